"""Two-factor log-in in a real browser: a new caseworker gets an enrolment link by e-mail and enrols with the
QR page it opens; a wrong code is explained."""
from __future__ import annotations

from contextlib import contextmanager

import pyotp

from app import clock
from tests.e2e.conftest import (LIVE_APPS, TOTP_SECRETS, TOTP_WINDOW, check_a11y, enrol, enrolment_link, login, shot,
                                totp_code)
from playwright.sync_api import expect

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _new_caseworker(base: str, email: str) -> None:
    """A caseworker no other test has logged in as, so this one sees the first-time enrolment."""
    from app.extensions import db
    from tests import factories
    with LIVE_APPS[base].app_context():
        factories.user(role="caseworker", email=email, name="Nina Nyansat", password="demo-adgangskode")
        db.session.commit()
        db.session.remove()


@contextmanager
def _browser_page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


def _look(page, name: str) -> None:
    """axe and a screenshot at 1280 px and at 360 px."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        check_a11y(page, f"{name} at {size['width']} px")
        shot(page, name)
    page.set_viewport_size(DESKTOP)


def _password(page, base: str, email: str) -> None:
    page.goto(f"{base}/konto/log-ind")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill("demo-adgangskode")
    page.get_by_role("button", name="Log ind").click()


def test_new_caseworker_enrols_with_the_qr_page_and_logs_in(browser, live_server):
    email = "nina.nyansat@kommune.example"
    _new_caseworker(live_server, email)
    with _browser_page(browser) as page:
        _password(page, live_server, email)
        page.wait_for_url("**/konto/to-faktor")
        expect(page.get_by_role("heading", name="Tjek din e-mail")).to_be_visible()
        expect(page.locator("#totp-secret")).to_have_count(0)  # the password alone shows no secret
        _look(page, "two-factor-link-sent")
        page.goto(enrolment_link(live_server, email))
        expect(page.get_by_role("heading", name="Sæt to-faktor-log-ind op")).to_be_visible()
        _look(page, "two-factor-link")
        page.get_by_role("button", name="Fortsæt").click()
        page.wait_for_url("**/konto/to-faktor/opsaet")
        expect(page.get_by_role("heading", name="Sæt to-faktor-log-ind op")).to_be_visible()
        expect(page.get_by_role("img", name="QR-kode til din autentificeringsapp")).to_be_visible()
        _look(page, "two-factor-setup")
        enrol(page, live_server, email)
        expect(page.get_by_role("heading", name="Sager").first).to_be_visible()
        page.get_by_role("button", name="Log ud").click()

        _password(page, live_server, email)
        page.wait_for_url("**/konto/to-faktor")
        _look(page, "two-factor-code")
        page.get_by_label("Kode", exact=True).fill(totp_code(live_server, email))
        page.get_by_role("button", name="Log ind").click()
        expect(page.get_by_role("heading", name="Sager").first).to_be_visible()


def test_wrong_code_is_explained_next_to_the_field(browser, live_server):
    email = "ole.omvej@kommune.example"
    _new_caseworker(live_server, email)
    with _browser_page(browser) as page:
        login(page, live_server, email)  # enrols
        page.get_by_role("button", name="Log ud").click()
        _password(page, live_server, email)
        page.wait_for_url("**/konto/to-faktor")
        totp = pyotp.TOTP(TOTP_SECRETS[(live_server, email)])
        valid = {totp.at(clock.timestamp(), counter_offset=o) for o in range(-TOTP_WINDOW - 1, TOTP_WINDOW + 2)}
        wrong = next(c for c in ("000000", "999999") if c not in valid)
        field = page.get_by_label("Kode", exact=True)
        field.fill(wrong)
        page.get_by_role("button", name="Log ind").click()
        field = page.get_by_label("Kode", exact=True)
        assert field.get_attribute("aria-invalid") == "true"
        assert field.input_value() == wrong
        message = page.locator("#code-error")
        assert "Koden er forkert" in message.inner_text()
        assert "code-error" in field.get_attribute("aria-describedby")
        expect(page.get_by_role("alert").filter(has_text="Koden er forkert")).to_be_visible()
        check_a11y(page, "wrong two-factor code")
        shot(page, "two-factor-wrong-code")
        field.fill(totp_code(live_server, email))
        page.get_by_role("button", name="Log ind").click()
        expect(page.get_by_role("heading", name="Sager").first).to_be_visible()

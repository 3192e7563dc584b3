"""Two-factor log-in in a real browser: a new caseworker enrols with the QR page; a wrong code is explained."""
from __future__ import annotations

import time
from contextlib import contextmanager

import pyotp

from tests.e2e.conftest import LIVE_APPS, TOTP_SECRETS, TOTP_WINDOW, check_a11y, enrol, login, shot, totp_code

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
        page.wait_for_url("**/konto/to-faktor/opsaet")
        assert page.get_by_role("heading", name="Sæt to-faktor-log-ind op").is_visible()
        assert page.get_by_role("img", name="QR-kode til din autentificeringsapp").is_visible()
        _look(page, "two-factor-setup")
        enrol(page, live_server, email)
        assert page.get_by_role("heading", name="Sager").first.is_visible()
        page.get_by_role("button", name="Log ud").click()

        _password(page, live_server, email)
        page.wait_for_url("**/konto/to-faktor")
        _look(page, "two-factor-code")
        page.get_by_label("Kode", exact=True).fill(totp_code(live_server, email))
        page.get_by_role("button", name="Log ind").click()
        assert page.get_by_role("heading", name="Sager").first.is_visible()


def test_wrong_code_is_explained_next_to_the_field(browser, live_server):
    email = "ole.omvej@kommune.example"
    _new_caseworker(live_server, email)
    with _browser_page(browser) as page:
        login(page, live_server, email)  # enrols
        page.get_by_role("button", name="Log ud").click()
        _password(page, live_server, email)
        page.wait_for_url("**/konto/to-faktor")
        totp = pyotp.TOTP(TOTP_SECRETS[(live_server, email)])
        valid = {totp.at(time.time(), counter_offset=o) for o in range(-TOTP_WINDOW - 1, TOTP_WINDOW + 2)}
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
        assert page.get_by_role("alert").filter(has_text="Koden er forkert").is_visible()
        check_a11y(page, "wrong two-factor code")
        shot(page, "two-factor-wrong-code")
        field.fill(totp_code(live_server, email))
        page.get_by_role("button", name="Log ind").click()
        assert page.get_by_role("heading", name="Sager").first.is_visible()

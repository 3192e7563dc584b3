"""Shared steps for the association and premises journeys: look at a page (axe + screenshots at desktop and phone
width), sign up, read the mail the live server wrote, and make values no other test uses."""
from __future__ import annotations

import re
import time
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from app import clock
from tests.e2e.conftest import check_a11y, login, shot

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
PASSWORD = "Fodbold-i-regnvejr-42"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


# The innermost elements reaching past the right edge: where a fix for a sideways-scrolling page belongs.
TOO_WIDE = """w => [...document.body.querySelectorAll('*')]
  .filter(e => e.getBoundingClientRect().right > w + 1
               && ![...e.children].some(c => c.getBoundingClientRect().right > w + 1))
  .slice(0, 5).map(e => e.outerHTML.slice(0, 80))"""


@contextmanager
def person(browser, base: str, email: str | None = None):
    """A browser of one's own (1280 px), logged in as `email` when given, so two people never share a session.

    The app's Content Security Policy stays on: the journeys also show nothing needs an inline script.
    """
    context = browser.new_context(viewport=DESKTOP, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(10_000)
    refused = []
    page.on("console", lambda m: refused.append(f"{page.url}: {m.text}") if "Content Security Policy" in m.text else None)
    try:
        if email:
            login(page, base, email)
        yield page
    finally:
        context.close()
    assert not refused, "the browser refused inline code:\n" + "\n".join(refused[:5])


def look(page, name: str) -> None:
    """axe on the page at 1280 px and at 360 px, a screenshot at each width, and no sideways scrolling on a phone."""
    check_a11y(page, name)
    shot(page, name)
    page.set_viewport_size(PHONE)
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            raise AssertionError(f"{page.url} is {width}px wide on a phone: {page.evaluate(TOO_WIDE, PHONE['width'])}")
        check_a11y(page, f"{name} at 360 px")
        shot(page, name)
    finally:
        page.set_viewport_size(DESKTOP)


def unique(prefix: str) -> str:
    """A short value no other test (or earlier run against the same server) has used."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def valid_cvr() -> str:
    """A fresh 8-digit CVR number with a valid modulus-11 check digit."""
    while True:
        body = str(uuid.uuid4().int % 9_000_000 + 1_000_000)  # 7 digits, no leading zero
        rest = sum(int(d) * w for d, w in zip(body, CVR_WEIGHTS)) % 11
        check = (11 - rest) % 11  # the last weight is 1, so the check digit is what makes the sum divisible
        if check < 10:
            return body + str(check)


def sign_up(page, base: str, name: str, email: str) -> None:
    """Create a member account through the real form, then open the confirmation link (it logs them in)."""
    page.goto(f"{base}/konto/opret")
    look(page, "association-signup")
    page.get_by_label("Dit fulde navn").fill(name)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode", exact=True).fill(PASSWORD)
    page.get_by_label("Gentag adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Opret bruger").click()
    page.wait_for_load_state()
    assert "/konto/opret" not in page.url, page.locator("main").inner_text()
    page.goto(link_in_mail(mail_log(base), email, r"https?://\S+/konto/bekraeft/\S+"))
    page.wait_for_load_state()
    assert "/konto/" not in page.url, page.locator("main").inner_text()


def mail_log(live_server: str) -> Path:
    """The file the live server writes its outgoing e-mail to."""
    from tests.e2e.conftest import LIVE_APPS
    return Path(LIVE_APPS[live_server].config["MAIL_LOG_PATH"])


def link_in_mail(log: Path, to: str, pattern: str, timeout: float = 10.0) -> str:
    """The first link matching `pattern` in the newest mail to `to` (mail goes out after the commit, so wait)."""
    from app.services.delivery.mail import read_log
    deadline = time.monotonic() + timeout
    while True:
        for message in reversed(read_log(str(log))):
            if message["To"] == to:
                body = message.get_body(preferencelist=("plain",)).get_content()
                found = re.search(pattern, body)
                if found:
                    return found.group(0)
        if time.monotonic() > deadline:
            raise AssertionError(f"no mail to {to} with a link matching {pattern} in {log}")
        time.sleep(0.2)


def weekday_ahead(days: int, weekday: int) -> date:
    """The first `weekday` (0 = Monday) at least `days` from today, outside the Christmas closure."""
    day = clock.today() + timedelta(days=days)
    while day.weekday() != weekday or (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 4):
        day += timedelta(days=1)
    return day

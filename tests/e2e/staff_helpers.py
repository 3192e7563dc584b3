"""Steps shared by the staff journeys: a logged-in actor per person, an application made through the applicant's
own pages, and the caseworker's way from a received case to a recommendation.

Each journey makes its own case (from an association no other browser test uses), so the shared demo data
can change under it without changing what it sees.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlencode

from playwright.sync_api import expect

from app import clock
from tests.e2e.conftest import check_a11y, login, shot

POOL = "nye-initiativer"  # the demo's rolling pool: open whatever the date
POOL_NAME = "Puljen til nye initiativer"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


# The innermost elements whose right edge passes the viewport: where a fix belongs.
WIDE_ELEMENTS = """w => {
  const past = e => e.getBoundingClientRect().right > w + 1;
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  return [...document.body.querySelectorAll('*')].filter(e => past(e) && ![...e.children].some(past))
    .slice(0, 5).map(e => name(e) + ' ' + Math.round(e.getBoundingClientRect().right) + 'px');
}"""


@contextmanager
def actor(browser, base: str, email: str, phone: bool = False):
    """A page in its own browser context, logged in as `email` (so people never share a session)."""
    context = browser.new_context(viewport=PHONE if phone else DESKTOP, locale="da-DK", is_mobile=phone)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, base, email)
        yield page
    finally:
        context.close()


def fits(page) -> None:
    """Nothing sticks out sideways: a wide table scrolls in its own box, the page does not."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > page.viewport_size["width"]:
        culprits = page.evaluate(WIDE_ELEMENTS, page.viewport_size["width"])
        raise AssertionError(f"{page.url} is {width}px wide at {page.viewport_size['width']}px: {culprits}")


def look(page, name: str | None = None) -> None:
    """axe on the page; with a name also screenshots at 1280 px and at 360 px (checked again on the phone)."""
    check_a11y(page, name or "")
    if name is None:
        return
    shot(page, f"staff-{name}")
    page.set_viewport_size(PHONE)
    try:
        check_a11y(page, f"{name} at 360 px")
        fits(page)
        shot(page, f"staff-{name}")
    finally:
        page.set_viewport_size(DESKTOP)


def flash(page, text: str) -> None:
    """Wait for the message the last POST left; if it never comes, say what the page said instead."""
    try:
        expect(page.get_by_text(text).first).to_be_visible()
    except AssertionError:
        shown = page.locator(".alert, .form-error-message").all_inner_texts()
        raise AssertionError(f"no message {text!r} on {page.url}; the page says {shown}") from None


def apply_for(page, base: str, amount: int) -> str:
    """Make and submit an application to the rolling pool as the logged-in chair; returns the case number."""
    page.goto(f"{base}/puljer/{POOL}")
    with page.expect_navigation():
        page.get_by_role("link", name="Søg nu").click()
    look(page)
    page.get_by_role("button", name="Start ansøgningen").click()
    page.wait_for_url("**/trin/1")
    page.get_by_label("Projektets titel").fill("Begynderhold om onsdagen")
    page.get_by_label("Hvad vil I lave?").fill("Et nyt hold for begyndere hver onsdag.")
    page.get_by_label("Hvornår begynder aktiviteten?").fill((clock.today() + timedelta(days=40)).strftime("%d.%m.%Y"))
    page.get_by_label("Hvor mange deltager?").fill("15")
    page.get_by_label("Voksne").check()
    page.get_by_role("group", name="Samarbejder I med andre?").get_by_label("Nej").check()
    look(page)
    page.get_by_role("button", name="Gem og fortsæt").click()
    page.wait_for_url("**/trin/2")
    page.get_by_label("Udgift, linje 1: tekst").fill("Udstyr og instruktør")
    page.get_by_label("Udgift, linje 1: beløb i kr.").fill(str(amount))
    page.get_by_role("button", name="Gem og fortsæt").click()
    page.wait_for_url("**/trin/3")
    page.get_by_role("button", name="Gem og fortsæt").click()
    page.wait_for_url("**/oversigt")
    page.get_by_role("button", name="Send ansøgningen").click()
    page.wait_for_url("**/kvittering")
    look(page)
    return page.get_by_text("Sagsnummer:").inner_text().split(":")[1].strip()


def act(page, button: str, expected_state: str) -> None:
    """Press one of the workflow buttons the engine offers and see the case move on."""
    page.get_by_role("region", name="Handlinger og afgørelse").get_by_role("button", name=button, exact=True).click()
    flash(page, "Handlingen er udført.")
    expect(page.locator(".app-facts").first.get_by_text(expected_state, exact=True)).to_be_visible()
    look(page)


def take_and_screen(page) -> None:
    """On the case page: take the case, then start screening and assessment."""
    page.get_by_role("button", name="Tag sagen").click()
    flash(page, "Tildelingen er gemt.")
    look(page)
    act(page, "Påbegynd visitation", "Visitation")
    act(page, "Påbegynd vurdering", "Under vurdering")


def assess(page, scores: dict[str, int], amount: int, recommendation: str) -> None:
    """Fill the assessment form: a score and a comment per criterion, the amount and the recommendation."""
    section = page.get_by_role("region", name="Vurdering", exact=True)
    for criterion, score in scores.items():
        section.get_by_label(f"Score for {criterion}").select_option(str(score))
        section.get_by_label(f"Kommentar til {criterion}").fill(f"{criterion}: {score} point.")
    section.get_by_label("Indstillet beløb (kr.)").fill(f"{amount:,}".replace(",", "."))
    section.get_by_label("Indstilling og begrundelse").fill(recommendation)
    section.get_by_role("button", name="Gem vurdering").click()
    flash(page, "Vurderingen er gemt.")


def case_row(page, number: str):
    """The queue's table row for one case."""
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=number, exact=True))


def open_from_queue(page, base: str, search: str, number: str) -> None:
    """Search all of the queue (any status) and open the case."""
    page.goto(f"{base}/sagsbehandling/?" + urlencode({"status": "all", "q": search}))
    page.get_by_role("link", name=number, exact=True).click()
    page.wait_for_url(re.compile(r".*/sagsbehandling/sager/\d+$"))

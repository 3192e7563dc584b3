"""The caseworker's queue as a working tool, in a real browser: 50 cases with long names on one page.

At 1280 px one line per case (every row as tall as a row with short texts), a header that stays in view, no
sideways overflow; at 360 px a card per case and nothing sideways; axe at both widths; the selected count and
j/k. A demo of its own, so the 50 extra cases change no other journey's queue. Screenshots: staff-queue-long-*.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app import clock
from tests.e2e.conftest import LIVE_APPS, login, serve_demo
from tests.e2e.staff_helpers import DESKTOP, PHONE, actor, fits, look

pytestmark = pytest.mark.e2e

LONG_CLUB = ("Foreningen for Bevarelse af Gamle Træbåde og Traditionelt Bådebyggeri i Nordvestjylland og "
             "Omliggende Kommuner")
LONG_TITLE = ("Sommerlejr for børn og unge med kajak, kano, sejlads, bålmad, natløb og overnatning i shelter ved "
              "fjorden – uge {n}")
ROWS = "main table tbody tr"


@pytest.fixture(scope="module")
def queue_server(tmp_path_factory):
    """The demo plus 50 submitted cases with long names (and one short one), served on a free port."""
    from app.extensions import db
    from app.models import Pool
    from tests import factories
    base, server = serve_demo(tmp_path_factory.mktemp("queue"))
    with LIVE_APPS[base].app_context():
        pool = db.session.scalars(db.select(Pool).where(Pool.workflow == "subsidy").order_by(Pool.id)).first()
        pool.name = "Puljen til frivilligt socialt arbejde og aktiviteter for børn, unge og ældre " + pool.name
        club = factories.AssociationFactory(name=LONG_CLUB)
        short = factories.AssociationFactory(name="KFUM")
        now = clock.now()
        for n in range(50):
            factories.CaseFactory(pool=pool, association=club if n else short, state="submitted",
                                  number=f"2099-{900000 + n}", title=LONG_TITLE.format(n=n) if n else "Kort",
                                  amount_applied=1_234_567 + n, submitted_at=now)
        db.session.commit()
        db.session.remove()
    yield base
    server.shutdown()


def _row_heights(page) -> list[float]:
    return page.eval_on_selector_all(ROWS, "rows => rows.map(r => r.getBoundingClientRect().height)")


def _one_line_per_case(page) -> None:
    heights = _row_heights(page)
    assert len(heights) == 50, heights
    # The short case ("Kort", "KFUM") is one line; every long one must be as tall (a wrapped line would add some 20 px).
    assert max(heights) - min(heights) <= 2, f"rows from {min(heights)} to {max(heights)} px tall"
    assert max(heights) < 60, f"a row is {max(heights)} px tall"
    fits(page)


def test_fifty_long_cases_fit_on_a_desk_and_on_a_phone(browser, queue_server):
    with actor(browser, queue_server, "sagsbehandler@demo.dk") as page:
        page.goto(f"{queue_server}/sagsbehandling/?sortering=newest")
        expect(page.get_by_role("heading", name="Sager", exact=True)).to_be_visible()
        _one_line_per_case(page)
        # Numbers right-aligned; a long title is cut but whole in the page (and its title attribute).
        cell = page.locator(f"{ROWS} td.q-beloeb").first
        assert cell.evaluate("c => getComputedStyle(c).textAlign") == "right"
        title = page.locator(f"{ROWS} .q-title").filter(has_text="uge 7")
        assert title.evaluate("t => t.scrollWidth > t.clientWidth"), "the long title is not cut"
        assert title.get_attribute("title") == LONG_TITLE.format(n=7)
        # The header stays in view when the list is scrolled.
        page.locator(ROWS).nth(40).scroll_into_view_if_needed()
        top = page.locator("main table thead th.q-case").evaluate("th => th.getBoundingClientRect().top")
        assert abs(top) < 1, f"the header is at {top} px"
        page.evaluate("window.scrollTo(0, 0)")
        look(page, "queue-long")  # axe and screenshots at 1280 and 360 px (and nothing sideways on the phone)

        # Every optional column at once: still one line per case.
        page.get_by_text("Vælg kolonner").click()
        page.get_by_role("checkbox", name="Pulje", exact=True).check()
        page.get_by_role("button", name="Vis kolonnerne").click()
        page.wait_for_url(re.compile(r".*/sagsbehandling/\?sortering=newest$"))
        expect(page.locator("main table thead th.q-pulje")).to_have_text("Pulje")
        _one_line_per_case(page)
        look(page, "queue-long-all-columns")


def test_selected_count_and_keyboard_on_the_queue(browser, queue_server):
    with actor(browser, queue_server, "sagsbehandler@demo.dk") as page:
        page.goto(f"{queue_server}/sagsbehandling/?sortering=newest")
        count = page.locator("#queue-selected")
        expect(count).to_have_text("0 sager valgt")
        page.get_by_label("Vælg sag 2099-900049").check()
        expect(count).to_have_text("1 sag valgt")
        page.get_by_label("Vælg sag 2099-900048").check()
        page.get_by_label("Vælg sag 2099-900047").check()
        expect(count).to_have_text("3 sager valgt")
        # j and k move between the cases; Enter opens the one in focus.
        first = page.get_by_role("link", name="2099-900049", exact=True)
        first.focus()
        page.keyboard.press("j")
        expect(page.get_by_role("link", name="2099-900048", exact=True)).to_be_focused()
        page.keyboard.press("j")
        page.keyboard.press("k")
        expect(page.get_by_role("link", name="2099-900048", exact=True)).to_be_focused()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/sagsbehandling/sager/\d+$"))
        expect(page.get_by_role("heading", name=re.compile("2099-900048"))).to_be_visible()


def test_cards_on_a_phone(browser, queue_server):
    with actor(browser, queue_server, "sagsbehandler@demo.dk", phone=True) as page:
        page.goto(f"{queue_server}/sagsbehandling/?sortering=newest")
        assert page.viewport_size == PHONE
        fits(page)
        rows = page.locator(ROWS)
        assert rows.first.evaluate("r => getComputedStyle(r).display") == "flex"
        # Each card within the screen; the whole title readable (it wraps instead of being cut sideways).
        rights = page.eval_on_selector_all(ROWS, "rows => rows.map(r => r.getBoundingClientRect().right)")
        assert max(rights) <= PHONE["width"], rights
        expect(rows.filter(has_text="2099-900003").locator("td.q-beloeb")).to_have_text("1.234.570 kr.")
        page.set_viewport_size(DESKTOP)
        fits(page)


def test_a_search_shows_its_list_first_and_its_counts_right_after(browser, queue_server):
    """With a search word the counts cost more than the list: queue.js fetches them after the page, puts them in
    place and says so to a screen reader; without JavaScript the "Vis antal" link shows the same counts."""
    with actor(browser, queue_server, "sagsbehandler@demo.dk") as page:
        page.goto(f"{queue_server}/sagsbehandling/?q=sommerlejr")
        counts = page.locator("#queue-counts")
        expect(counts.get_by_role("link", name="Modtaget")).to_be_visible()
        expect(counts.locator("li").filter(has_text="Modtaget")).to_contain_text("50")
        expect(page.locator("#queue-counts-status")).to_have_text("Antal sager pr. status er vist.")
        expect(page.get_by_role("link", name="Vis antal")).to_have_count(0)
        look(page, "queue-search-counts")
        counts.get_by_role("link", name="Modtaget").click()
        page.wait_for_url(re.compile(r".*status=submitted.*"))
        assert "q=sommerlejr" in page.url, "the state's link keeps the search"

    context = browser.new_context(viewport=DESKTOP, locale="da-DK", java_script_enabled=False)
    try:
        page = context.new_page()
        login(page, queue_server, "sagsbehandler@demo.dk")
        page.goto(f"{queue_server}/sagsbehandling/?q=sommerlejr")
        expect(page.locator("#queue-counts li")).to_have_count(0)
        page.get_by_role("link", name="Vis antal").click()
        expect(page.locator("#queue-counts li").filter(has_text="Modtaget")).to_contain_text("50")
    finally:
        context.close()

"""The administration pages and the public pool page in a real browser: keyboard-free clicks, axe, 360 px."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e import conftest as e2e
from tests.e2e.conftest import check_a11y, live_server, login, page, phone, shot  # noqa: F401

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser():
    """Chromium for this module only: Playwright's sync API allows one instance at a time, and the e2e
    package starts its own session-wide one later."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=e2e.CHROMIUM, args=e2e.CHROMIUM_ARGS)
        yield b
        b.close()


FRIVILLIG = re.compile(r"^Frivillighedspuljen \d{4}$")  # the demo names the pool after its deadline's year


def _open_pool(page, base):
    page.goto(base + "/admin/puljer")
    page.get_by_role("link", name=FRIVILLIG).click()


def test_admin_pages_pass_axe(page, live_server):  # noqa: F811
    login(page, live_server, "admin@demo.dk")
    _open_pool(page, live_server)
    for tab, heading in (("Indstillinger", "Indstillinger"), ("Kriterier", "Kriterier"),
                         ("Spørgsmål til ansøgere", "Spørgsmål til ansøgere"), ("Ansøgningsskema", "Ansøgningsskema")):
        page.get_by_role("navigation", name="Puljens opsætning").get_by_role("link", name=tab).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        check_a11y(page, tab)
        shot(page, f"admin-pool-{tab.split()[0].lower()}")
    for path, name in (("/admin/", "home"), ("/admin/udvalg", "committees"), ("/admin/brevpapir", "letters"),
                       ("/admin/journal", "journal"), ("/admin/brugere", "users"), ("/admin/puljer/ny", "new-pool")):
        page.goto(live_server + path)
        check_a11y(page, name)
        shot(page, f"admin-{name}")


def test_bad_criterion_weight_shows_danish_errors(page, live_server):  # noqa: F811
    login(page, live_server, "admin@demo.dk")
    _open_pool(page, live_server)
    page.get_by_role("link", name="Kriterier").first.click()
    page.get_by_label("Kriterium").fill("Frivillige unge")
    page.get_by_label("Vægt").fill("0")
    page.get_by_role("button", name="Tilføj kriterium").click()
    expect(page.get_by_role("alert").get_by_text("Vægten skal være et helt tal større end 0")).to_be_visible()
    assert page.get_by_label("Kriterium").input_value() == "Frivillige unge"
    check_a11y(page, "criterion with an error")


def test_preview_hides_conditional_question_with_javascript(page, live_server):  # noqa: F811
    login(page, live_server, "admin@demo.dk")
    _open_pool(page, live_server)
    page.get_by_role("link", name="Ansøgningsskema").first.click()
    page.get_by_role("link", name="Forhåndsvis skemaet").click()
    expect(page.get_by_text("Forhåndsvisning", exact=True).first).to_be_visible()
    partner = page.get_by_label("Hvem samarbejder I med?")
    # expect() waits for app.js to run: is_visible() right after the click may read the page before it did.
    expect(partner).to_be_hidden()
    page.get_by_text("Ja", exact=True).first.click()
    expect(partner).to_be_visible()
    check_a11y(page, "preview step 1")
    shot(page, "admin-preview")
    page.get_by_role("button", name="Næste").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check_a11y(page, "preview with errors")


def test_public_pool_page_on_a_phone(phone, live_server):  # noqa: F811
    phone.goto(live_server + "/puljer")
    phone.get_by_role("link", name=FRIVILLIG).first.click()
    expect(phone.get_by_role("heading", name="Sådan ser ansøgningen ud")).to_be_visible()
    phone.get_by_role("group", name="Skal aktiviteten give overskud?").get_by_text("Ja").click()
    phone.get_by_role("button", name="Se om vi kan søge").click()
    expect(phone.get_by_text("Puljen passer nok ikke til jer.")).to_be_visible()
    check_a11y(phone, "pool page")
    shot(phone, "pool-detail")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page scrolls sideways on a phone ({width}px)"

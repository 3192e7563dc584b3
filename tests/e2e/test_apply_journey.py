"""Applying in a real browser: the demo chair fills the multi-step form with an attachment, submits and gets the
receipt; the same on a 360 px phone; and the whole form completed with the keyboard alone."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urljoin

from app import clock
from tests.e2e.conftest import check_a11y, login, shot
from playwright.sync_api import expect

POOL = "nye-initiativer"  # the demo's rolling pool: open whatever the date
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _start_date() -> str:
    """A start date a month ahead of the app's today (the clock may be set to any day)."""
    return (clock.today() + timedelta(days=30)).strftime("%d.%m.%Y")


def _fits(page) -> None:
    """Nothing sticks out sideways (a phone must not scroll horizontally)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def _check(page, name: str) -> None:
    check_a11y(page, name)
    _fits(page)
    shot(page, f"apply-{name}")


def _start(page, base: str) -> None:
    page.goto(f"{base}/puljer/{POOL}")
    page.get_by_role("link", name="Søg nu").click()
    _check(page, "start")
    page.get_by_role("button", name="Start ansøgningen").click()
    page.wait_for_url("**/trin/1")


def _step_one(page, with_error: bool) -> None:
    _check(page, "step1")
    page.get_by_label("Projektets titel").fill("Pigefodbold om lørdagen")
    page.get_by_label("Hvad vil I lave?").fill("Pigefodbold for 10-12-årige hver lørdag.")
    page.get_by_label("Hvornår begynder aktiviteten?").fill("01.01.2000" if with_error else _start_date())
    page.get_by_label("Hvor mange deltager?").fill("24")
    page.get_by_label("Børn (0-12 år)").check()
    page.get_by_role("group", name="Samarbejder I med andre?").get_by_label("Ja").check()
    page.get_by_label("Hvem samarbejder I med?").fill("Skolen på Østergade")
    page.get_by_role("button", name="Gem og fortsæt").click()
    if with_error:
        expect(page.get_by_text("Datoen er passeret").first).to_be_visible()
        assert page.get_by_label("Hvad vil I lave?").input_value().startswith("Pigefodbold")
        _check(page, "step1-error")
        page.get_by_label("Hvornår begynder aktiviteten?").fill(_start_date())
        page.get_by_role("button", name="Gem og fortsæt").click()
    page.wait_for_url("**/trin/2")


def _step_two(page) -> None:
    page.get_by_label("Udgift, linje 1: tekst").fill("Bolde og kegler")
    page.get_by_label("Udgift, linje 1: beløb i kr.").fill("3.000")
    page.get_by_label("Udgift, linje 2: tekst").fill("Trænerkursus")
    page.get_by_label("Udgift, linje 2: beløb i kr.").fill("2000")
    page.get_by_label("Indtægt, linje 1: tekst").fill("Kontingent")
    page.get_by_label("Indtægt, linje 1: beløb i kr.").fill("1000")
    # The sums follow the typing, before anything is saved (app.js); the server counts again on save.
    expect(page.locator('[data-budget-total="expenses"]')).to_have_text("5.000 kr.")
    expect(page.locator('[data-budget-total="income"]')).to_have_text("1.000 kr.")
    expect(page.locator('[data-budget-total="applied"]')).to_have_text("4.000 kr.")
    page.get_by_role("button", name="Flere linjer").click()  # also computes the totals without JavaScript
    expect(page.get_by_text("4.000 kr.").first).to_be_visible()
    _check(page, "step2")
    page.get_by_role("button", name="Gem og fortsæt").click()
    page.wait_for_url("**/trin/3")


def _step_three(page, tmp_path) -> None:
    attachment = tmp_path / "tilbud.pdf"
    attachment.write_bytes(PDF)
    page.get_by_label("Budget eller tilbud").set_input_files(str(attachment))
    page.get_by_role("button", name="Gem og fortsæt").click()
    page.wait_for_url("**/oversigt")


def _submit(page) -> str:
    for text in ("Pigefodbold for 10-12-årige", "Bolde og kegler", "4.000 kr.", "tilbud.pdf"):
        expect(page.get_by_text(text).first).to_be_visible()
    _check(page, "summary")
    page.get_by_role("button", name="Send ansøgningen").click()
    page.wait_for_url("**/kvittering")
    expect(page.get_by_role("heading", name="Tak! Vi har modtaget jeres ansøgning")).to_be_visible()
    _check(page, "receipt")
    number = page.get_by_text("Sagsnummer:").inner_text().split(":")[1].strip()
    expect(page.get_by_text("Pigefodbold om lørdagen").first).to_be_visible()  # the case is named by its title
    href = page.get_by_role("link", name="Hent kvitteringen (PDF)").get_attribute("href")
    pdf = page.request.get(urljoin(page.url, href))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    return number


def test_demo_chair_applies_with_an_attachment(page, live_server, tmp_path):
    login(page, live_server, "forening@demo.dk")
    _start(page, live_server)
    _step_one(page, with_error=True)
    _step_two(page)
    _step_three(page, tmp_path)
    page.get_by_role("navigation", name="Trin i ansøgningen").get_by_role("link", name="Bilag").click()
    expect(page.get_by_role("button", name="Fjern filen tilbud.pdf")).to_be_visible()
    _check(page, "step3-with-file")
    page.get_by_role("navigation", name="Trin i ansøgningen").get_by_role("link", name="Se og indsend").click()
    number = _submit(page)
    page.get_by_role("link", name="Gå til sagen").click()
    expect(page.get_by_text(number).first).to_be_visible()
    expect(page.get_by_role("link", name="Hent kvitteringen for ansøgningen (PDF)")).to_be_visible()
    check_a11y(page, "case page after submission")


def test_applying_on_a_phone(phone, live_server, tmp_path):
    login(phone, live_server, "formand2@forening.example")
    _start(phone, live_server)
    _step_one(phone, with_error=False)
    _step_two(phone)
    _step_three(phone, tmp_path)
    _submit(phone)


def _tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _type_into(page, selector: str, text: str) -> None:
    _tab_to(page, selector)
    page.keyboard.type(text)


def test_application_completed_with_the_keyboard_only(page, live_server):
    login(page, live_server, "formand3@forening.example")
    page.goto(f"{live_server}/forening/ansoegninger/ny/{POOL}")
    _tab_to(page, "button.button-primary")
    page.keyboard.press("Enter")
    page.wait_for_url("**/trin/1")
    _type_into(page, "input[name=projekttitel]", "Familiespejd")
    _type_into(page, "textarea[name=hvad_vil_i_lave]", "Familiespejd om søndagen.")
    _type_into(page, "input[name=hvornaar_begynder_aktiviteten]", _start_date())
    _type_into(page, "input[name=hvor_mange_deltager]", "30")
    _tab_to(page, "input[name=hvem_er_aktiviteten_for]")
    page.keyboard.press("Space")
    _tab_to(page, "input[name=samarbejder_i_med_andre]")
    page.keyboard.press("Space")  # the first choice, Ja
    _type_into(page, "textarea[name=hvem_samarbejder_i_med]", "Menighedsrådet")
    _tab_to(page, "button[value=next]:not([tabindex])")
    page.keyboard.press("Enter")
    page.wait_for_url("**/trin/2")
    _type_into(page, "input[name='budget_for_aktiviteten-expenses-0-text']", "Bålmad")
    page.keyboard.press("Tab")
    page.keyboard.type("1500")
    page.keyboard.press("Enter")  # Enter in a field saves and goes on (not 'Flere linjer')
    page.wait_for_url("**/trin/3")
    _tab_to(page, "button[value=next]:not([tabindex])")
    page.keyboard.press("Enter")
    page.wait_for_url("**/oversigt")
    expect(page.get_by_text("1.500 kr.").first).to_be_visible()
    _tab_to(page, "#submit-form button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/kvittering")
    expect(page.get_by_role("heading", name="Tak! Vi har modtaget jeres ansøgning")).to_be_visible()

"""A visitor finds a pool, reads how cases are handled, and switches language — in a real browser."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_a11y, login, shot


def test_visitor_finds_pools_and_workflow(page, live_server):
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", name="Støtte til foreninger og frivillige")).to_be_visible()
    check_a11y(page, "front page")
    shot(page, "visitor-front")
    page.get_by_role("link", name="Find støtte").click()
    expect(page.get_by_role("heading", name="Find støtte", exact=True)).to_be_visible()
    check_a11y(page, "pools")
    page.get_by_role("link", name="Sådan behandler vi sager").first.click()
    page.get_by_role("link", name="Tilskud", exact=True).click()
    expect(page.locator("svg[role=img]")).to_be_visible()
    check_a11y(page, "workflow diagram")
    shot(page, "visitor-workflow")


def test_language_switch_to_english_and_back(page, live_server):
    page.goto(live_server + "/")
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("link", name="Accessibility statement")).to_be_visible()
    check_a11y(page, "english front page")
    page.get_by_role("button", name="Dansk").click()
    assert page.locator("html").get_attribute("lang") == "da"


def test_phone_front_page(phone, live_server):
    phone.goto(live_server + "/")
    menu = phone.get_by_role("button", name="Menu")
    expect(phone.get_by_role("button", name="English")).to_be_hidden()  # folded away under Menu
    menu.click()
    expect(phone.get_by_role("button", name="English")).to_be_visible()
    expect(phone.get_by_role("link", name="Log ind").first).to_be_visible()
    check_a11y(phone, "front page on a phone, menu open")
    shot(phone, "visitor-front-menu")
    menu.click()
    check_a11y(phone, "front page on a phone")
    shot(phone, "visitor-front")


@pytest.mark.parametrize("path", ["/", "/puljer/nye-initiativer", "/puljer"])
def test_phone_header_is_compact_and_nothing_scrolls_sideways(phone, live_server, path):
    """At 360 px the header is one line (it took 260 of 740 px), and the page does not scroll sideways."""
    phone.goto(live_server + path)
    height = phone.evaluate("document.querySelector('header').getBoundingClientRect().height")
    assert height < 120, f"the header is {height}px tall on {path}"
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} is {width}px wide on a phone"
    shot(phone, "visitor-phone" + path.replace("/", "-").rstrip("-"))


def test_phone_menu_works_with_the_keyboard(phone, live_server):
    phone.goto(live_server + "/puljer")
    menu = phone.get_by_role("button", name="Menu")
    menu.focus()
    phone.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    nav = phone.get_by_role("navigation", name="Hovedmenu")
    expect(nav.get_by_role("link", name="Find støtte")).to_be_visible()
    phone.keyboard.press("Tab")  # into the opened part, right after the button
    assert phone.evaluate("document.activeElement.closest('#app-user, #app-nav') !== null")
    phone.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    assert phone.evaluate("document.activeElement.classList.contains('app-menu-button')")


def test_accessibility_statement_linked_from_every_footer(page, live_server):
    page.goto(live_server + "/puljer")
    page.get_by_role("link", name="Tilgængelighedserklæring").click()
    expect(page.get_by_role("heading", name="Tilgængelighedserklæring")).to_be_visible()
    check_a11y(page, "accessibility statement")


def test_each_role_logs_in_and_lands_home(page, live_server):
    for email, heading in [("forening@demo.dk", "Hej Karen"), ("sagsbehandler@demo.dk", "Sager"),
                           ("formand.kfu@demo.dk", "Dine udvalg"), ("admin@demo.dk", "Administration")]:
        login(page, live_server, email)
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
        check_a11y(page, f"home of {email}")
        shot(page, f"home-{email.split('@')[0]}")
        page.get_by_role("button", name="Log ud").click()

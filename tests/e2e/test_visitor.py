"""A visitor finds a pool, reads how cases are handled, and switches language — in a real browser."""
from tests.e2e.conftest import check_a11y, login, shot


def test_visitor_finds_pools_and_workflow(page, live_server):
    page.goto(live_server + "/")
    assert page.get_by_role("heading", name="Støtte til foreninger og frivillige").is_visible()
    check_a11y(page, "front page")
    shot(page, "visitor-front")
    page.get_by_role("link", name="Find støtte").click()
    assert page.get_by_role("heading", name="Find støtte", exact=True).is_visible()
    check_a11y(page, "pools")
    page.get_by_role("link", name="Sådan behandler vi sager").first.click()
    page.get_by_role("link", name="Tilskud").click()
    assert page.locator("svg[role=img]").is_visible()
    check_a11y(page, "workflow diagram")
    shot(page, "visitor-workflow")


def test_language_switch_to_english_and_back(page, live_server):
    page.goto(live_server + "/")
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Accessibility statement").is_visible()
    check_a11y(page, "english front page")
    page.get_by_role("button", name="Dansk").click()
    assert page.locator("html").get_attribute("lang") == "da"


def test_phone_front_page(phone, live_server):
    phone.goto(live_server + "/")
    assert phone.get_by_role("button", name="English").is_visible()
    assert phone.get_by_role("link", name="Log ind").first.is_visible()
    check_a11y(phone, "front page on a phone")
    shot(phone, "visitor-front")


def test_accessibility_statement_linked_from_every_footer(page, live_server):
    page.goto(live_server + "/puljer")
    page.get_by_role("link", name="Tilgængelighedserklæring").click()
    assert page.get_by_role("heading", name="Tilgængelighedserklæring").is_visible()
    check_a11y(page, "accessibility statement")


def test_each_role_logs_in_and_lands_home(page, live_server):
    for email, heading in [("forening@demo.dk", "Hej Karen"), ("sagsbehandler@demo.dk", "Sager"),
                           ("formand.kfu@demo.dk", "Dine udvalg"), ("admin@demo.dk", "Administration")]:
        login(page, live_server, email)
        assert page.get_by_role("heading", name=heading).first.is_visible(), email
        check_a11y(page, f"home of {email}")
        shot(page, f"home-{email.split('@')[0]}")
        page.get_by_role("button", name="Log ud").click()

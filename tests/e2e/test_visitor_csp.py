"""The Content Security Policy allows no inline code: pages still work, and the browser reports no violation."""
from playwright.sync_api import expect

from tests.e2e.conftest import login


def _watch(page) -> list[str]:
    """Console messages about blocked content (Chromium logs each CSP violation as an error)."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text
            or "Refused to" in m.text else None)
    return seen


def test_visitor_pages_run_under_the_policy_without_violations(page, live_server):
    violations = _watch(page)
    for path in ("/", "/puljer", "/konto/log-ind", "/konto/opret"):
        response = page.goto(live_server + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        # app.js ran: it removes the no-js class that DKFDS styles depend on.
        assert "no-js" not in (page.locator("html").get_attribute("class") or "")
    assert violations == []


def test_visitor_registering_a_club_sees_the_script_driven_sections(page, live_server):
    violations = _watch(page)
    login(page, live_server, "forening@demo.dk")
    page.goto(live_server + "/forening/ny")
    association = page.locator("[data-kind-section=association]")
    informal = page.locator("[data-kind-section=informal]")
    expect(association).to_be_visible()  # the script moved from the page to app.js
    expect(informal).to_be_hidden()
    page.locator("input[name=kind][value=informal]").check()
    expect(informal).to_be_visible()
    expect(association).to_be_hidden()
    assert violations == []

"""Borrowing a hall in a real browser: a club asks for Store hal, a caseworker approves, and when the club then asks
for a court inside the hall at an overlapping time it is told in Danish, next to the date and in the error summary,
that the time is taken, with everything it typed still there. Every page is checked with axe at 1280 and 360 px."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import check_a11y
from tests.e2e.journeys import look, person, unique, weekday_ahead

CHAIR = "forening@demo.dk"  # Boldklubben Nordstjernen: approved, so it may borrow the hall
CASEWORKER = "sagsbehandler@demo.dk"
# A Wednesday one to two weeks ahead: no demo booking in the hall then, and before the seasonal round's period.
DAY = weekday_ahead(8, 2)


def _open_request_form(page, base: str, space: str) -> None:
    page.goto(f"{base}/lokaler/")
    look(page, "premises-catalogue")
    page.get_by_role("link", name=space, exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(space))).to_be_visible()
    look(page, f"premises-space-{space.replace(' ', '-').lower()}")
    page.get_by_role("link", name="Anmod om at låne").click()
    expect(page.get_by_role("heading", name=f"Anmod om at låne {space}")).to_be_visible()
    check_a11y(page, f"request form for {space}")


def _fill(page, purpose: str, participants: str, start: str, end: str) -> None:
    page.get_by_label("Hvad skal lokalet bruges til?").fill(purpose)
    page.get_by_label("Antal deltagere").fill(participants)
    page.get_by_label("Dato (første gang)").fill(DAY.isoformat())
    page.get_by_label("Fra kl.").fill(start)
    page.get_by_label("Til kl.").fill(end)


def _request_hall(page, base: str, purpose: str) -> str:
    """Ask for Store hal once; returns the request's case number as the club's page shows it."""
    _open_request_form(page, base, "Store hal")
    look(page, "premises-request")
    _fill(page, purpose, "40", "10:05", "11:35")
    page.get_by_role("button", name="Send anmodning").click()
    page.wait_for_url("**/lokaler/mine")
    expect(page.get_by_text("Anmodningen er sendt. I får besked, når den er behandlet.")).to_be_visible()
    look(page, "premises-mine-requested")
    line = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=f"Store hal: {purpose}"))
    return re.search(r"\((\d{4}-\d+)\)", line.inner_text()).group(1)


def _approve(page, base: str, number: str) -> None:
    page.goto(f"{base}/lokaler/sagsbehandling/")
    look(page, "premises-staff-requests")
    with page.expect_navigation():
        page.get_by_role("link", name=number, exact=True).click()
    look(page, "premises-staff-review")
    page.get_by_role("button", name="Godkend", exact=True).click()
    expect(page.get_by_text("Afgørelsen er registreret, og foreningen har fået besked.")).to_be_visible()
    check_a11y(page, "request after approval")


def _collide(page, base: str, purpose: str) -> None:
    """Ask for Bane 2, a third of the booked hall, at an overlapping time: refused, with the input kept."""
    _open_request_form(page, base, "Bane 2")
    _fill(page, purpose, "18", "11:00", "12:00")
    page.get_by_role("button", name="Send anmodning").click()
    summary, error = page.locator("#error-summary"), page.locator("#first_day-error")
    for place in (summary, error):
        expect(place).to_contain_text("Tiden er optaget:")
        expect(place).to_contain_text(f"{DAY.day}.")
        expect(place).to_contain_text("11:00–12:00")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#first_day")  # the summary leads to the field
    expect(page.get_by_label("Hvad skal lokalet bruges til?")).to_have_value(purpose)
    expect(page.get_by_label("Antal deltagere")).to_have_value("18")
    expect(page.get_by_label("Dato (første gang)")).to_have_value(DAY.isoformat())
    expect(page.get_by_label("Fra kl.")).to_have_value("11:00")
    expect(page.get_by_label("Til kl.")).to_have_value("12:00")
    look(page, "premises-request-taken")


def test_club_books_the_hall_and_is_told_when_a_court_collides(browser, live_server):
    hall_purpose, court_purpose = unique("Håndboldtræning U12"), unique("Badminton for forældre")
    with person(browser, live_server, CHAIR) as club, person(browser, live_server, CASEWORKER) as caseworker:
        number = _request_hall(club, live_server, hall_purpose)
        _approve(caseworker, live_server, number)
        club.reload()
        booked = club.get_by_role("row").filter(has_text="Store hal").filter(has_text="10:05–11:35")
        expect(booked).to_contain_text("Bekræftet")
        look(club, "premises-mine-booked")
        _collide(club, live_server, court_purpose)
        club.get_by_label("Fra kl.").fill("11:35")  # right after the hall booking ends is free
        club.get_by_label("Til kl.").fill("12:30")
        club.get_by_role("button", name="Send anmodning").click()
        club.wait_for_url("**/lokaler/mine")
        expect(club.get_by_role("link", name=f"Bane 2: {court_purpose}")).to_be_visible()
        check_a11y(club, "bookings after the second request")

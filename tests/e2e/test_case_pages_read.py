"""The case page in a real browser, at 1280 and 360 px: the caseworker reads the application as it was sent (a
budget table in Danish) and what a colleague did since the last look; the association reads its decision first."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.staff_helpers import actor, apply_for, look, open_from_queue

# An association no other browser test applies for.
MAD = ("formand22@forening.example", "Foreningen Madfællesskabet")
GRANTED_DEMO_CASE = "Nye fodboldmål til børneholdene"  # the demo's grant to forening@demo.dk, waiting for payment


def test_caseworker_reads_the_application_and_what_changed(browser, live_server):
    with actor(browser, live_server, MAD[0]) as chair:
        number = apply_for(chair, live_server, amount=12_000)
    with actor(browser, live_server, "sagsbehandler@demo.dk") as page:
        open_from_queue(page, live_server, MAD[1], number)
        application = page.get_by_role("region", name="Ansøgningen, som den blev sendt")
        budget = application.get_by_role("table")
        expect(budget.get_by_role("rowheader", name="Udgifter i alt")).to_be_visible()
        expect(budget.get_by_role("row", name=re.compile("Udstyr og instruktør 12.000 kr."))).to_be_visible()
        expect(budget.get_by_text("Total expenses")).to_have_count(0)
        look(page, "case-application")
        with actor(browser, live_server, "sagsbehandler2@demo.dk") as colleague:
            open_from_queue(colleague, live_server, MAD[1], number)
            colleague.get_by_label("Note").fill("Ringede til foreningen: holdet starter i januar.")
            colleague.get_by_role("button", name="Gem note").click()
            expect(colleague.get_by_text("Ringede til foreningen").first).to_be_visible()
        page.reload()
        since = page.get_by_role("region", name=re.compile("Siden du sidst så sagen"))
        expect(since.get_by_text("Ringede til foreningen: holdet starter i januar.")).to_be_visible()
        expect(page.get_by_text("Nyt siden sidst")).to_be_visible()
        look(page, "case-since")


def test_association_reads_its_decision_first(browser, live_server):
    with actor(browser, live_server, "forening@demo.dk") as page:
        page.goto(f"{live_server}/forening/")
        page.get_by_role("link", name=GRANTED_DEMO_CASE).first.click()
        outcome = page.get_by_role("region", name=re.compile("Bevilget 15.000 kr. den"))
        expect(outcome).to_be_visible()
        expect(outcome.get_by_role("link", name="Afgørelsesbrev (PDF)")).to_be_visible()
        expect(outcome.get_by_text(re.compile("Vi udbetaler 15.000 kr."))).to_be_visible()
        timeline = page.get_by_role("region", name="Tidslinje")
        expect(timeline.get_by_text("Under behandling")).to_have_count(1)
        look(page, "portal-case-granted")

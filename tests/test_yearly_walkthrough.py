"""Issue 20's 'done when', through the pages on the demo: the administrator opens next year's reporting and sets
up its schemes, two associations report (one late), the caseworker approves, calculates and puts the batch on a
meeting, the committee approves it, each association reads a letter that explains its amount, and the payouts
appear."""
from __future__ import annotations

import io
import re
from datetime import timedelta

from app import clock
from app.extensions import db
from app.models import (Association, Case, Decision, Meeting, PaymentInstalment, Pool, ReportingCampaign,
                        SubsidyBatch, SubsidyScheme)
from app.services.committee import letters
from tests.views.annual_world import PDF

CHAIR_A, CHAIR_B = "forening@demo.dk", "formand3@forening.example"  # Boldklubben Nordstjernen, Spejderne


class People:
    """One browser in turn for each person, each from their own address, as real people are (the log-in limit
    counts per address)."""

    def __init__(self, client, auth) -> None:
        self.client, self.auth, self.addresses = client, auth, {}

    def __call__(self, email: str):
        self.auth.logout()
        self.client.environ_base["REMOTE_ADDR"] = self.addresses.setdefault(email, f"192.0.2.{len(self.addresses) + 10}")
        resp = self.auth.login(email)
        assert resp.status_code in (302, 303), resp.get_data(as_text=True)[:2000]
        return self.client


def _report_form(version: str, **changes) -> dict:
    data = {"version": version, "members_7_12_in": "30", "members_13_17_in": "12", "members_13_17_out": "2",
            "members_25_59_in": "6", "paying_members": "44", "fee_income": "22.000",
            "activity_0_name": "Træning for børn", "activity_0_hours": "200", "activity_0_premises": "Egen hytte",
            "cost_rent": "30.000", "cost_utilities": "6.000", "accounts_income": "90.000",
            "accounts_expenses": "84.000", "accounts_result": "6.000",
            "accounts_approved_on": (clock.today() - timedelta(days=3)).strftime("%d.%m.%Y"), "action": "submit",
            "accounts_file": (io.BytesIO(PDF), "regnskab.pdf"), "auditor_file": (io.BytesIO(PDF), "revisor.pdf")}
    data.update(changes)
    return data


def _report(person, email: str, association: Association, campaign: ReportingCampaign, **changes) -> None:
    client = person(email)
    url = f"/indberetning/forening/{association.id}/{campaign.id}"
    page = client.get(url)
    assert page.status_code == 200, page.location
    resp = client.post(url, data=_report_form("0", **changes), content_type="multipart/form-data")
    assert resp.status_code == 302, re.findall(r'(?s)form-error-message[^>]*>(.*?)</span>\s*(.*?)<', resp.get_data(as_text=True))
    assert "Tak! Indberetningen er sendt" in client.get(resp.location).get_data(as_text=True)


def _open_next_year(person, year: int) -> tuple[ReportingCampaign, list[SubsidyScheme]]:
    client = person("admin@demo.dk")
    resp = client.post("/indberetning/kampagner/ny", data={
        "year": str(year), "opens_on": clock.today().strftime("%d.%m.%Y"),
        "deadline": (clock.today() + timedelta(days=21)).strftime("%d.%m.%Y"), "intro": "Husk regnskabet."})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    campaign = db.session.scalar(db.select(ReportingCampaign).where(ReportingCampaign.year == year))
    pool = db.session.scalar(db.select(Pool).where(Pool.name == f"Aktivitetstilskud {year}"))
    resp = client.post("/admin/tilskudsordninger/ny", data={
        "name": f"Aktivitetstilskud {year}", "kind": "activity", "campaign_id": str(campaign.id),
        "pool_id": str(pool.id), "basis": "per_member", "rate": "205",
        "bands": ["0_6", "7_12", "13_17", "18_24"], "cost_percent": "65", "late_twelfths": "1", "minimum_fee": "75"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    return campaign, db.session.scalars(db.select(SubsidyScheme).where(SubsidyScheme.campaign_id == campaign.id)).all()


def test_the_yearly_cycle_from_opening_to_payout(app, client, auth):
    from app.demo import seed
    seed()
    person = People(client, auth)
    year = clock.today().year + 1
    campaign, [scheme] = _open_next_year(person, year)
    a, b = (db.session.scalar(db.select(Association).where(Association.name == n))
            for n in ("Boldklubben Nordstjernen", "Spejderne i Østerbyen"))

    _report(person, CHAIR_A, a, campaign)  # on time
    clock.move_to(clock.now() + timedelta(days=25))  # four days after the deadline
    _report(person, CHAIR_B, b, campaign, members_7_12_in="20", paying_members="40")

    client = person("sagsbehandler@demo.dk")
    listing = client.get(f"/indberetning/kampagner/{campaign.id}/indberetninger").get_data(as_text=True)
    assert "Boldklubben Nordstjernen" in listing and "Spejderne i Østerbyen" in listing and "For sent" in listing
    for report in campaign.reports:
        page = client.get(f"/indberetning/indberetninger/{report.id}").get_data(as_text=True)
        version = re.search(r'name="approve-version"[^>]*value="(\d+)"', page) or \
            re.search(r'value="(\d+)"[^>]*name="approve-version"', page)
        resp = client.post(f"/indberetning/indberetninger/{report.id}/godkend",
                           data={"approve-version": version.group(1) if version else "", "approve-note": ""})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    resp = client.post(f"/sagsbehandling/tilskudsberegning/{scheme.id}/beregn", data={})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    batch = db.session.scalar(db.select(SubsidyBatch).where(SubsidyBatch.scheme_id == scheme.id))
    preview = client.get(f"/sagsbehandling/tilskudsberegning/beregninger/{batch.id}").get_data(as_text=True)
    # A: 30 + 12 under 25 in the municipality (the 2 outside do not count) × 205 kr. = 8.610 kr.
    # B: 20 + 12 = 32 × 205 kr. = 6.560 kr., one started month late: 11/12 = 6.013,33 → 6.013 kr.
    assert "8.610 kr." in preview and "6.013 kr." in preview and "1 påbegyndt måned" in preview
    meeting = db.session.scalar(db.select(Meeting).where(Meeting.status == "planned",
                                                         Meeting.committee_id == scheme.pool.committee_id)
                                .order_by(Meeting.meeting_date))
    resp = client.post(f"/sagsbehandling/tilskudsberegning/beregninger/{batch.id}/dagsorden",
                       data={"meeting": str(meeting.id)})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]

    client = person("formand.kfu@demo.dk")
    page = client.get(f"/udvalg/moeder/{meeting.id}").get_data(as_text=True)
    assert f"Beregning af aktivitetstilskud {year}" in page
    resp = client.post(f"/udvalg/moeder/{meeting.id}/beregninger/{batch.id}", data={f"beregning{batch.id}-proposal": "approve"})
    assert resp.status_code == 302
    _answer_the_rest_of_the_agenda(client, meeting)
    resp = client.post(f"/udvalg/moeder/{meeting.id}/afslut", data={}, follow_redirects=True)
    assert resp.status_code == 200 and db.session.get(Meeting, meeting.id).status == "closed", \
        resp.get_data(as_text=True)[:3000]

    for email, association, amount in ((CHAIR_A, a, "8.610 kr."), (CHAIR_B, b, "6.013 kr.")):
        case = db.session.scalar(db.select(Case).where(Case.association_id == association.id,
                                                       Case.pool_id == scheme.pool_id))
        decision = db.session.scalar(db.select(Decision).where(Decision.case_id == case.id))
        client = person(email)
        assert amount in client.get(f"/forening/sager/{case.id}").get_data(as_text=True)
        text = " ".join(letters.letter_content(decision.letter_document_id).text().split())
        assert f"bevilge jer {amount}" in text and "Sådan har vi beregnet tilskuddet" in text
        assert "Klagevejledning" in text
    assert "1 påbegyndt måned" in " ".join(letters.letter_content(decision.letter_document_id).text().split())

    client = person("sagsbehandler@demo.dk")
    client.post("/udbetalinger/planer", data={})
    planned = db.session.scalars(db.select(PaymentInstalment).join(Case).where(Case.pool_id == scheme.pool_id)).all()
    assert sorted(i.amount for i in planned) == [6_013, 8_610]
    assert "Aktivitetstilskud" in client.get("/udbetalinger/").get_data(as_text=True)


def _answer_the_rest_of_the_agenda(client, meeting: Meeting) -> None:
    """The demo's planned meeting has cases too: the chair postpones them, so only the batch is decided now."""
    for item in db.session.get(Meeting, meeting.id).items:
        resp = client.post(f"/udvalg/moeder/{meeting.id}/punkter/{item.id}", data={f"punkt{item.id}-proposal": "postpone"})
        assert resp.status_code in (302, 303), resp.get_data(as_text=True)[:2000]

"""A calculated subsidy batch through the real views: calculate, preview with what-if, agenda, the chair, close."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AssociationConflict, Case, SubsidyBatch
from app.services.committee import subsidy_batches
from app.services.yearly import batches
from tests.services.yearly.conftest import Yearly


@pytest.fixture
def yearly(app) -> Yearly:
    return Yearly()


def _text(resp) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)).split())


def _batch(yearly, n: int = 2) -> SubsidyBatch:
    for i in range(n):
        yearly.report(under_25=10 * (i + 1))
    return batches.calculate_batch(yearly.scheme.id, yearly.caseworker)


def test_caseworker_calculates_and_sees_every_step(yearly, client, auth):
    yearly.report(under_25=40)
    auth.login("mette@kommune.dk")
    resp = client.post(f"/sagsbehandling/tilskudsberegning/{yearly.scheme.id}/beregn", data={})
    assert resp.status_code == 302
    batch = db.session.scalar(sa.select(SubsidyBatch))
    page = _text(client.get(resp.location))
    assert "Tilskud pr. medlem: 40 medlemmer, der bor i kommunen" in page and "× 205 kr. = 8.200 kr." in page
    assert "8.200 kr." in page and "450.000 kr." in page
    assert batch.total == 8_200


def test_what_if_shows_both_totals_and_the_difference_and_can_be_kept(yearly, client, auth):
    batch = _batch(yearly)  # 10 and 20 members: 2.050 + 4.100
    auth.login("mette@kommune.dk")
    page = _text(client.get(f"/sagsbehandling/tilskudsberegning/beregninger/{batch.id}?sats=300"))
    assert "6.150 kr." in page and "9.000 kr." in page  # both totals
    assert "950 kr." in page and "1.900 kr." in page  # per association: 10 × 95 and 20 × 95
    bad = client.get(f"/sagsbehandling/tilskudsberegning/beregninger/{batch.id}?sats=abc")
    assert bad.status_code == 200 and "Skriv et beløb i hele kroner" in _text(bad) and 'value="abc"' in bad.get_data(as_text=True)
    resp = client.post(f"/sagsbehandling/tilskudsberegning/{yearly.scheme.id}/beregn", data={"rate": "300"})
    kept = db.session.scalar(sa.select(SubsidyBatch).where(SubsidyBatch.status == "calculated"))
    assert resp.status_code == 302 and kept.total == 9_000


def test_preview_pages_by_keyset(yearly, client, auth, monkeypatch):
    batch = _batch(yearly, 3)
    monkeypatch.setattr(batches, "PAGE_SIZE", 2)
    auth.login("mette@kommune.dk")
    first = client.get(f"/sagsbehandling/tilskudsberegning/beregninger/{batch.id}").get_data(as_text=True)
    names = [line.association.name for line in sorted(batch.lines, key=lambda ln: ln.id)]
    assert names[0] in first and names[1] in first and names[2] not in first
    after = sorted(line.id for line in batch.lines)[1]
    assert f"efter={after}" in first
    second = client.get(f"/sagsbehandling/tilskudsberegning/beregninger/{batch.id}?efter={after}").get_data(as_text=True)
    assert names[2] in second and names[0] not in second


def test_batch_goes_on_the_agenda_as_one_item_and_the_chair_approves(yearly, client, auth):
    batch = _batch(yearly)
    meeting = yearly.meeting()
    auth.login("mette@kommune.dk")
    resp = client.post(f"/sagsbehandling/tilskudsberegning/beregninger/{batch.id}/dagsorden", data={"meeting": ""})
    assert resp.status_code == 400 and "Vælg det møde" in _text(resp)
    resp = client.post(f"/sagsbehandling/tilskudsberegning/beregninger/{batch.id}/dagsorden",
                       data={"meeting": str(meeting.id)})
    assert resp.status_code == 302
    page = _text(client.get(f"/udvalg/moeder/{meeting.id}"))
    assert "Beregning af aktivitetstilskud 2027: 2 foreninger, 6.150 kr. af 450.000 kr." in page
    auth.logout()
    auth.login("ahmed@kommune.dk")  # a member, not the chair: sees the item, may open the preview, no form
    page = client.get(f"/udvalg/moeder/{meeting.id}").get_data(as_text=True)
    assert f"/sagsbehandling/tilskudsberegning/beregninger/{batch.id}" in page and "beregning" + str(batch.id) + "-proposal" not in page
    assert client.get(f"/sagsbehandling/tilskudsberegning/beregninger/{batch.id}").status_code == 200
    assert client.post(f"/udvalg/moeder/{meeting.id}/beregninger/{batch.id}",
                       data={f"beregning{batch.id}-proposal": "approve"}).status_code == 409
    auth.logout()
    auth.login("lise@kommune.dk")
    resp = client.post(f"/udvalg/moeder/{meeting.id}/beregninger/{batch.id}", data={})
    assert resp.status_code == 400 and "Vælg en beslutning" in _text(resp)
    resp = client.post(f"/udvalg/moeder/{meeting.id}/beregninger/{batch.id}",
                       data={f"beregning{batch.id}-proposal": "approve"})
    assert resp.status_code == 302
    resp = client.post(f"/udvalg/moeder/{meeting.id}/afslut")
    assert resp.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Case.id)).where(Case.workflow == "yearly_subsidy",
                                                                     Case.number.is_not(None))) == 2


def test_close_refused_over_budget_names_the_batch(yearly, client, auth):
    batch = _batch(yearly)
    meeting = yearly.meeting()
    subsidy_batches.put_on_agenda(batch.id, meeting.id, yearly.caseworker)
    subsidy_batches.record_batch_proposal(meeting.id, batch.id, yearly.chair, "approve")
    yearly.granted_case(448_000)
    auth.login("lise@kommune.dk")
    resp = client.post(f"/udvalg/moeder/{meeting.id}/afslut")
    assert resp.status_code == 409
    assert "Beregningen Aktivitetstilskud 2027 bevilger 6.150 kr., men puljen Aktivitetstilskud 2027 har kun 2.000 kr. tilbage" in _text(resp)


def test_a_committee_member_of_another_committee_cannot_see_the_preview(yearly, client, auth):
    batch = _batch(yearly)
    meeting = yearly.meeting()
    subsidy_batches.put_on_agenda(batch.id, meeting.id, yearly.caseworker)
    auth.login("peter@kommune.dk")
    assert client.get(f"/sagsbehandling/tilskudsberegning/beregninger/{batch.id}").status_code == 404
    assert client.post(f"/udvalg/moeder/{meeting.id}/beregninger/{batch.id}",
                       data={f"beregning{batch.id}-proposal": "approve"}).status_code == 404


def test_the_schemes_page_lists_the_scheme_and_its_latest_batch(yearly, client, auth):
    auth.login("mette@kommune.dk")
    page = client.get("/sagsbehandling/tilskudsberegning").get_data(as_text=True)
    assert "Beregnede tilskud" in page and "Aktivitetstilskud 2027" in page and "Ikke beregnet" in page
    batch = _batch(yearly)
    page = client.get("/sagsbehandling/tilskudsberegning").get_data(as_text=True)
    assert f"/sagsbehandling/tilskudsberegning/beregninger/{batch.id}" in page and "6.150 kr. af 450.000 kr." in page


def test_the_chair_declares_a_conflict_towards_an_association_and_may_then_only_postpone(yearly, client, auth):
    """Forvaltningsloven § 3 for a batch: declared on the agenda item towards one association, it keeps the chair
    from approving the whole batch, and the minutes' item names them."""
    batch = _batch(yearly)
    meeting = yearly.meeting()
    subsidy_batches.put_on_agenda(batch.id, meeting.id, yearly.caseworker)
    auth.login("lise@kommune.dk")
    page = client.get(f"/udvalg/moeder/{meeting.id}").get_data(as_text=True)
    assert "Er du inhabil i forhold til en af foreningerne?" in page
    url = f"/udvalg/moeder/{meeting.id}/beregninger/{batch.id}/inhabil"
    resp = client.post(url, data={f"inhabilberegning{batch.id}-reason": "Min bror er formand."})
    assert resp.status_code == 400 and "Vælg en af foreningerne i beregningen." in _text(resp)
    assert "Min bror er formand." in resp.get_data(as_text=True)  # nothing typed is lost
    association_id = batch.lines[0].association_id
    resp = client.post(url, data={f"inhabilberegning{batch.id}-association_id": str(association_id),
                                  f"inhabilberegning{batch.id}-reason": "Min bror er formand."})
    assert resp.status_code == 302
    assert db.session.scalar(sa.select(AssociationConflict.reason).where(
        AssociationConflict.association_id == association_id)) == "Min bror er formand."
    resp = client.post(f"/udvalg/moeder/{meeting.id}/beregninger/{batch.id}",
                       data={f"beregning{batch.id}-proposal": "approve"})
    assert resp.status_code == 409 and "inhabil" in _text(resp)
    page = _text(client.get(f"/udvalg/moeder/{meeting.id}"))
    assert "Inhabil Lise Dahl" in page  # the agenda item names the member (and the minutes will)

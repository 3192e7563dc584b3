"""Settling lokaletilskud advances through the real views: settle, preview, agenda, the chair, close; and access."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AnnualReport, Decision, SubsidyBatch
from app.services.committee import subsidy_batches
from app.services.yearly import settlement
from tests.factories import UserFactory
from tests.services.yearly.test_settlement import Settling


@pytest.fixture
def settling(app) -> Settling:
    return Settling()


def _text(resp) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)).split())


def _settle_url(batch_id: int) -> str:
    return f"/sagsbehandling/tilskudsberegning/beregninger/{batch_id}/afregn"


def test_caseworker_settles_from_the_approved_batch_and_sees_advance_final_and_difference(settling, client, auth):
    settling.actual(settling.rich, 30_000)
    db.session.add(AnnualReport(campaign_id=settling.next.id, association_id=settling.poor.association_id,
                                status="draft"))
    db.session.commit()
    clock.freeze(datetime(2029, 5, 1, 10, 0, tzinfo=timezone.utc))
    auth.login("mette@kommune.dk")
    page = _text(client.get(f"/sagsbehandling/tilskudsberegning/beregninger/{settling.advance_batch.id}"))
    assert "Afregn acontotilskuddet mod de faktiske tal" in page and "Årlig indberetning 2028" in page
    resp = client.post(_settle_url(settling.advance_batch.id), data={"campaign": str(settling.next.id)})
    assert resp.status_code == 302
    made = db.session.scalar(sa.select(SubsidyBatch).where(SubsidyBatch.settles_batch_id.is_not(None)))
    page = _text(client.get(resp.location))
    assert "Afregning: Lokaletilskud 2027" in page
    assert "Acontobeløb" in page and "Endeligt tilskud" in page and "Forskel" in page
    assert "13.000 kr. 19.500 kr. 6.500 kr." in page
    # The association without an approved report is listed for the caseworker to ask, not settled at 0.
    assert "Mangler indberetning" in page and "kladde, ikke indsendt" in page
    assert [line.association_id for line in made.lines] == [settling.rich.association_id]


def test_a_refused_settlement_says_why_next_to_the_form(settling, client, auth):
    clock.freeze(datetime(2029, 5, 1, 10, 0, tzinfo=timezone.utc))
    auth.login("mette@kommune.dk")
    resp = client.post(_settle_url(settling.advance_batch.id), data={"campaign": str(settling.next.id)})
    assert resp.status_code == 409 and "Ingen af foreningerne har en godkendt indberetning for 2028" in _text(resp)
    empty = client.post(_settle_url(settling.advance_batch.id), data={"campaign": ""})
    assert empty.status_code == 400 and "Vælg den indberetning, der afregnes efter" in _text(empty)


def test_settlement_goes_on_the_agenda_and_the_chair_closes_it(settling, client, auth):
    settling.actual(settling.rich, 30_000)
    settling.actual(settling.poor, 10_000)
    clock.freeze(datetime(2029, 5, 1, 10, 0, tzinfo=timezone.utc))
    batch = settlement.calculate_settlement(settling.advance_batch.id, settling.next.id, settling.caseworker)
    meeting = settling.meeting()
    auth.login("mette@kommune.dk")
    resp = client.post(f"/sagsbehandling/tilskudsberegning/beregninger/{batch.id}/dagsorden",
                       data={"meeting": str(meeting.id)})
    assert resp.status_code == 302
    auth.logout()
    auth.login("lise@kommune.dk")
    page = _text(client.get(f"/udvalg/moeder/{meeting.id}"))
    assert "Afregning af lokaletilskud 2027" in page and "rettet afgørelse" in page
    subsidy_batches.record_batch_proposal(meeting.id, batch.id, settling.chair, "approve")
    resp = client.post(f"/udvalg/moeder/{meeting.id}/afslut")
    assert resp.status_code in (302, 200)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision).where(
        Decision.meeting_id == meeting.id, Decision.corrects_id.is_not(None))) == 2


def test_members_and_associations_may_not_settle(settling, client, auth):
    settling.actual(settling.rich, 30_000)
    clock.freeze(datetime(2029, 5, 1, 10, 0, tzinfo=timezone.utc))
    batch = settlement.calculate_settlement(settling.advance_batch.id, settling.next.id, settling.caseworker)
    auth.login("ahmed@kommune.dk")  # a committee member: sees batches on a meeting, settles nothing
    assert client.post(_settle_url(settling.advance_batch.id), data={"campaign": str(settling.next.id)}).status_code == 403
    assert client.get(f"/sagsbehandling/tilskudsberegning/beregninger/{batch.id}").status_code == 404  # no meeting yet
    auth.logout()
    board = UserFactory(email="bestyrelse@example.dk")
    db.session.commit()
    auth.login(board.email)
    assert client.post(_settle_url(settling.advance_batch.id), data={"campaign": str(settling.next.id)}).status_code == 403
    assert client.get(f"/sagsbehandling/tilskudsberegning/beregninger/{batch.id}").status_code == 403
    auth.logout()
    auth.login("mette@kommune.dk")  # a settlement is not settled again, and no batch is made up
    assert client.post(_settle_url(batch.id), data={"campaign": str(settling.next.id)}).status_code == 404
    assert client.post(_settle_url(99_999), data={"campaign": str(settling.next.id)}).status_code == 404

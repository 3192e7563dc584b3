"""Journalisation in GetOrganized through the outbox's "esdh" channel, against the loopback stand-in of its API."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import url_for

from app import clock
from app.extensions import db
from app.models import Case, CaseEvent, Decision, Document, OutboxMessage
from app.services.committee import decisions
from app.tasks.notices import sweep_outbox
from tests.committee.conftest import World
from tests.getorganized_standin import GetOrganizedStandin


@pytest.fixture(scope="module")
def go():
    standin = GetOrganizedStandin()
    yield standin
    standin.down()


@pytest.fixture
def world(app, go) -> World:
    go.reset()
    if go.loopback.server is None:
        go.up()
    app.config.update(go.config())
    made = World()
    made.pool.kle_number, made.pool.kle_facet = "20.04.00", "G01"
    db.session.commit()
    return made


def _rows(template: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == template)
                                   .order_by(OutboxMessage.id)))


def _decided_with_letter(world: World) -> Case:
    case = world.committee_case()
    meeting = world.meeting([case])
    world.decide(meeting, case, "grant")
    decisions.close_meeting(meeting.id, world.chair)
    db.session.expire_all()
    return db.session.get(Case, case.id)


def test_a_submitted_case_gets_one_esdh_case_with_the_pools_kle_number_and_facet(world, go):
    case = world.committee_case()  # submitted, then screened, assessed, recommended: events, one ESDH case
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert len(go.cases) == 1
    stored = go.cases[0]
    assert stored.metadata["ows_KLENummer"] == "20.04.00" and stored.metadata["ows_Facet"] == "G01"
    assert stored.metadata["ows_Title"].startswith(f"{case.number} Lokaletilskud 2026: Boldklubben Nordstjernen")
    assert case.esdh_journal_number == stored.case_id == "EMN-2026-000001"
    assert [m.status for m in _rows("esdh_case")] == ["delivered"]
    journal = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.kind == "esdh")).all()
    assert [(e.action, e.comment) for e in journal] == [("esdh_case_created", "EMN-2026-000001")]


def test_the_decision_letter_is_filed_with_its_date_and_description(world, go):
    case = _decided_with_letter(world)
    letter = db.session.get(Document, db.session.scalar(sa.select(Decision.letter_document_id)
                                                        .where(Decision.case_id == case.id)))
    assert len(go.cases) == 1 and len(go.documents) == 1  # case.decided asked for the case again: deduplicated
    filed = go.documents[0]
    assert filed.case_id == case.esdh_journal_number and filed.list_name == "Dokumenter"
    assert filed.metadata == {"ows_Title": letter.description, "ows_Dato": clock.today().isoformat()}
    assert letter.description.startswith("Afgørelsesbrev") and filed.content.startswith(b"%PDF")
    assert filed.filename == f"{case.number}-{letter.id}-{letter.filename}"
    assert letter.esdh_document_id == str(filed.doc_id)
    assert [m.status for m in _rows("esdh_document")] == ["delivered"]


def test_the_case_page_shows_the_esdh_number_to_the_caseworker(world, go, client, auth):
    case = world.committee_case()
    auth.login(world.caseworker.email)
    page = client.get(url_for("staff.case", case_id=case.id)).get_data(as_text=True)
    assert "ESDH-sagsnummer" in page and '<dd id="esdh-number">EMN-2026-000001</dd>' in page


def test_nothing_is_journalised_when_esdh_is_off(app, world, go):
    app.config["ESDH"] = ""
    _decided_with_letter(world)
    assert go.calls == [] and _rows("esdh_case") == [] and _rows("esdh_document") == []


@pytest.mark.parametrize("outage", ["down", "error"])
def test_with_getorganized_out_the_rows_retry_and_arrive_exactly_once_after(world, go, outage):
    if outage == "down":
        go.down()
    else:
        go.mode = "error"
    case = _decided_with_letter(world)
    (case_row,), (document_row,) = _rows("esdh_case"), _rows("esdh_document")
    assert case_row.status == "pending" and case_row.attempts >= 1 and case_row.last_error
    assert document_row.status == "held" and document_row.attempts == 0  # waits for its case: never tried
    start = clock.now()
    while clock.now() < start + timedelta(hours=2):  # two hours of outage, the sweep running meanwhile
        clock.freeze(clock.now() + timedelta(minutes=10))
        sweep_outbox()
    db.session.expire_all()
    assert db.session.get(OutboxMessage, case_row.id).attempts >= 5
    assert db.session.get(OutboxMessage, document_row.id).status == "held"
    assert db.session.get(Case, case.id).esdh_journal_number is None and go.cases == []

    go.up() if outage == "down" else setattr(go, "mode", "ok")
    for _ in range(30):
        clock.freeze(clock.now() + timedelta(minutes=10))
        sweep_outbox()
    db.session.expire_all()
    assert [m.status for m in _rows("esdh_case") + _rows("esdh_document")] == ["delivered", "delivered"]
    assert len(go.cases) == 1 and len(go.documents) == 1  # exactly once each
    assert db.session.get(Case, case.id).esdh_journal_number == go.cases[0].case_id
    assert db.session.get(OutboxMessage, document_row.id).attempts == 1


def test_a_case_created_before_a_lost_commit_is_found_not_created_twice(world, go):
    case = world.committee_case()
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    number = case.esdh_journal_number
    # GetOrganized made the case but our commit was lost: the row is pending again and the case has no number.
    case.esdh_journal_number = None
    row = _rows("esdh_case")[0]
    row.status, row.delivered_at, row.next_attempt_at = "pending", None, clock.now()
    db.session.commit()
    sweep_outbox()
    db.session.expire_all()
    assert len(go.cases) == 1 and db.session.get(Case, case.id).esdh_journal_number == number
    assert go.calls[-1] == "/_goapi/Cases/FindByCaseProperties"  # it was asked, and found the case

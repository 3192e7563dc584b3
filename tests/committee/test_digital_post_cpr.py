"""Decision letters to an informal group by Digital Post to its contact person's CPR number, where the pool allows it:
the SF1601 stand-in gets a CPR recipient; otherwise e-mail + portal as before; the retention run erases the number."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Case, CaseContactCpr, Decision, OutboxMessage, Pool, User
from app.services.cases import contact_cpr, core as case_service, transitions
from app.services.committee import decisions
from app.services.privacy import retention
from tests.committee.test_digital_post import _mails
from tests.factories import InformalGroupFactory, PoolFactory, UserFactory
from tests.sf1601_standin import Sf1601Standin

CPR = "0101901234"


@pytest.fixture
def sf1601(app, tmp_path):
    standin = Sf1601Standin().up()
    app.config.update(standin.config(tmp_path))
    yield standin
    standin.down()


@pytest.fixture
def group(world):
    anna = UserFactory(email="anna@example.dk", full_name="Anna Krog")
    informal = InformalGroupFactory(name="Strikkecaféen", contact_person="Anna Krog", contact_email="anna@example.dk",
                                    members=(anna,))
    db.session.commit()
    return informal


def _pool(world, allows: bool):
    pool = PoolFactory(committee=world.committee, name="Nye initiativer 2026", workflow="new_initiative",
                       applicants="informal", budget=100_000, digital_post_to_cpr=allows, delegation_limit=1_000,
                       legal_basis="folkeoplysningslovens § 6", appeal_text="Afgørelsen kan ikke påklages.")
    db.session.commit()
    return pool


def _decided(world, group, pool, proposal="grant", cpr: str | None = CPR, then=None) -> int:
    """An informal group's case (with the contact person's CPR when given) decided at a closed meeting."""
    applicant = db.session.scalar(sa.select(User).where(User.email == "anna@example.dk"))
    case = case_service.create_draft(pool, group, applicant, "Strik for begyndere", 8_000, {"description": "Strik"})
    if cpr:
        contact_cpr.save_cpr(case.id, cpr)
    if then is not None:
        then()
    transitions.perform(case.id, "submit", applicant)
    case = db.session.get(Case, case.id)
    case.recommended_amount, case.assignee_id, case.hearing_confirmed = 8_000, world.caseworker.id, True
    db.session.commit()
    for action in ("start_screening", "start_assessment", "recommend", "send_to_committee"):
        transitions.perform(case.id, action, world.caseworker)
    meeting = world.meeting([case])
    world.decide(meeting, case, proposal, reason="Puljen er brugt op." if proposal == "reject" else "")
    assert decisions.close_meeting(meeting.id, world.chair)
    db.session.expire_all()
    return case.id


def _decision(case_id: int) -> Decision:
    db.session.expire_all()
    return db.session.scalar(sa.select(Decision).where(Decision.case_id == case_id))


def test_a_decision_for_the_group_reaches_digital_post_with_a_cpr_recipient(world, group, sf1601):
    case_id = _decided(world, group, _pool(world, allows=True))
    [got] = sf1601.received
    assert (got.message.recipient_id, got.message.recipient_type) == (CPR, "CPR")
    assert b"<grd:cprNumber>0101901234</grd:cprNumber>" in got.xml  # MeMo's CPR content data, schema-valid
    assert _decision(case_id).digital_post_status == "sent"
    row = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.channel == "digital_post"))
    assert CPR not in row.recipient and CPR not in str(row.payload) and CPR not in (row.last_error or "")
    [notice] = _mails("decision_notice")
    assert notice["To"] == "anna@example.dk" and "Digital Post" in notice.get_content()


def test_not_allowed_by_the_pool_the_letter_goes_by_email_and_portal_as_before(world, group, sf1601):
    pool = _pool(world, allows=True)

    def turn_off():  # given while the pool allowed it, then the administrator turned it off
        db.session.get(Pool, pool.id).digital_post_to_cpr = False
        db.session.commit()

    case_id = _decided(world, group, pool, then=turn_off)
    assert db.session.get(CaseContactCpr, case_id) is not None
    assert sf1601.received == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.channel == "digital_post")) == 0
    assert _decision(case_id).digital_post_status is None and len(_mails("decision_notice")) == 1


def test_without_a_cpr_number_the_group_gets_email_and_portal(world, group, sf1601):
    case_id = _decided(world, group, _pool(world, allows=True), cpr=None)
    assert sf1601.received == [] and _decision(case_id).digital_post_status is None
    assert len(_mails("decision_notice")) == 1


def test_staff_see_only_that_a_number_is_given(world, group, client, auth):
    case_id = _decided(world, group, _pool(world, allows=True))
    auth.login("mette@kommune.dk")
    page = client.get(f"/sagsbehandling/sager/{case_id}").get_data(as_text=True)
    assert "CPR-nummer oplyst" in page and "010190" not in page and "1234" not in page


def test_the_retention_run_erases_it(world, group):
    case_id = _decided(world, group, _pool(world, allows=True), proposal="reject")
    assert db.session.get(CaseContactCpr, case_id) is not None
    now = clock.now()
    retention.anonymise_expired(now.replace(year=now.year + 4, month=6, day=15) + timedelta(days=1))
    db.session.expire_all()
    assert db.session.get(Case, case_id).anonymised_at is not None
    assert db.session.get(CaseContactCpr, case_id) is None
    assert db.session.scalar(sa.text("SELECT count(*) FROM case_contact_cprs")) == 0

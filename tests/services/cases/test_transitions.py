"""The transition service: journal and outbox in one commit; refusals change nothing; races have one winner."""
import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseEvent, ConflictDeclaration, Decision, OutboxMessage
from app.services.cases import core as case_service, transitions
from tests.factories import (AssociationFactory, CaseworkerFactory, CommitteeFactory, CommitteeUserFactory,
                             PoolFactory, UserFactory)
from workflows import TransitionNotAllowed


@pytest.fixture
def world(app):
    member = UserFactory(email="karen@example.dk")
    caseworker = CaseworkerFactory(email="mette@kommune.dk")
    chair = CommitteeUserFactory(email="chair@kommune.dk")
    pool = PoolFactory(committee=CommitteeFactory(chair=chair), delegation_limit=20_000)
    association = AssociationFactory(members=(member,))
    db.session.commit()
    return {"member": member, "caseworker": caseworker, "chair": chair, "pool": pool, "association": association}


def _draft(world, amount=10_000):
    return case_service.create_draft(world["pool"], world["association"], world["member"], "Sommerlejr", amount)


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_submit_numbers_journals_and_notifies_in_one_commit(world):
    case = _draft(world)
    outcome = transitions.perform(case.id, "submit", world["member"])
    assert outcome.target == "submitted"
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.state == "submitted" and case.number.endswith("-000001") and case.submitted_at
    [event] = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert (event.action, event.from_state, event.to_state, event.actor_id) == \
        ("submit", "draft", "submitted", world["member"].id)
    templates = sorted(db.session.scalars(sa.select(OutboxMessage.template)))
    assert templates == ["case_update", "case_update_staff"]


def test_case_numbers_count_up(world):
    numbers = []
    for _ in range(3):
        case = _draft(world)
        transitions.perform(case.id, "submit", world["member"])
        numbers.append(db.session.get(Case, case.id).number)
    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]


def test_refused_transition_changes_nothing(world):
    case = _draft(world)
    with pytest.raises(TransitionNotAllowed):
        transitions.perform(case.id, "start_screening", world["member"])  # the applicant may not
    with pytest.raises(TransitionNotAllowed) as info:
        transitions.perform(case.id, "decide_grant", world["caseworker"])  # not from draft
    assert "ikke mulig" in info.value.message
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "draft"
    assert _count(CaseEvent) == 0 and _count(OutboxMessage) == 0


def test_other_association_member_has_no_applicant_role(world, factory):
    stranger = factory.user(email="other@example.dk")
    factory.association(members=(stranger,))
    db.session.commit()
    case = _draft(world)
    with pytest.raises(TransitionNotAllowed):
        transitions.perform(case.id, "submit", stranger)


def test_stale_version_is_refused(world):
    case = _draft(world)
    version = case.version
    transitions.perform(case.id, "submit", world["member"])
    with pytest.raises(transitions.StaleCase):
        transitions.perform(case.id, "start_screening", world["caseworker"], expected_version=version)
    assert _count(CaseEvent) == 1


def _to_recommended(world, amount, recommended=None):
    case = _draft(world, amount)
    transitions.perform(case.id, "submit", world["member"])
    for action in ("start_screening", "start_assessment"):
        transitions.perform(case.id, action, world["caseworker"])
    case = db.session.get(Case, case.id)
    case.recommended_amount = recommended or amount
    db.session.commit()
    transitions.perform(case.id, "recommend", world["caseworker"])
    return case


def test_delegation_limit_decides_who_decides(world):
    small = _to_recommended(world, 15_000)
    transitions.perform(small.id, "decide_grant", world["caseworker"])
    db.session.expire_all()
    small = db.session.get(Case, small.id)
    assert small.state == "granted" and small.granted_amount == 15_000 and small.decided_at
    decision = db.session.scalar(sa.select(Decision).where(Decision.case_id == small.id))
    assert (decision.outcome, decision.amount, decision.delegated) == ("granted", 15_000, True)

    large = _to_recommended(world, 90_000)
    with pytest.raises(TransitionNotAllowed):
        transitions.perform(large.id, "decide_grant", world["caseworker"])
    transitions.perform(large.id, "send_to_committee", world["caseworker"])
    transitions.perform(large.id, "decide_grant", world["chair"])
    assert db.session.get(Case, large.id).state == "granted"
    decision = db.session.scalar(sa.select(Decision).where(Decision.case_id == large.id))
    assert decision.delegated is False and decision.decided_by_id == world["chair"].id


def test_rejection_needs_confirmed_hearing(world):
    case = _to_recommended(world, 5_000)
    with pytest.raises(TransitionNotAllowed):
        transitions.perform(case.id, "decide_reject", world["caseworker"])
    case = db.session.get(Case, case.id)
    case.hearing_confirmed = True
    db.session.commit()
    with pytest.raises(transitions.ReasonRequired):
        transitions.perform(case.id, "decide_reject", world["caseworker"])
    assert db.session.get(Case, case.id).state == "recommended"
    transitions.perform(case.id, "decide_reject", world["caseworker"],
                        given=transitions.ActionInput(reason="Aktiviteten ligger uden for puljens formål."))
    assert db.session.get(Case, case.id).granted_amount == 0
    [decision] = db.session.scalars(sa.select(Decision)).all()
    assert decision.outcome == "rejected" and decision.reason.startswith("Aktiviteten")
    assert decision.appeal_text and decision.delegated


def test_inhabil_caseworker_cannot_act(world):
    case = _draft(world)
    transitions.perform(case.id, "submit", world["member"])
    db.session.add(ConflictDeclaration(case_id=case.id, user_id=world["caseworker"].id, reason="Bestyrelsesmedlem"))
    db.session.commit()
    with pytest.raises(TransitionNotAllowed):
        transitions.perform(case.id, "start_screening", world["caseworker"])


def test_information_round_trip_sets_and_clears_deadline(world):
    case = _draft(world)
    transitions.perform(case.id, "submit", world["member"])
    transitions.perform(case.id, "start_screening", world["caseworker"])
    transitions.perform(case.id, "request_information", world["caseworker"],
                        given=transitions.ActionInput(comment="Send budgettet"))
    assert db.session.get(Case, case.id).reply_deadline is not None
    transitions.perform(case.id, "answer_information", world["member"])
    case = db.session.get(Case, case.id)
    assert case.state == "screening" and case.reply_deadline is None


def test_journal_replay_reproduces_state(world):
    case = _to_recommended(world, 15_000)
    transitions.perform(case.id, "decide_grant", world["caseworker"])
    case = db.session.get(Case, case.id)
    assert transitions.replay_state(case) == case.state == "granted"


@pytest.mark.postgres
def test_concurrent_transitions_have_one_winner(app, world):
    """Two real connections act on the same case at once: one wins, the journal has one row."""
    case = _draft(world)
    transitions.perform(case.id, "submit", world["member"])
    case_id, version = case.id, db.session.get(Case, case.id).version
    caseworker_id = world["caseworker"].id
    barrier, results = threading.Barrier(2), []

    def act():
        with app.app_context():
            from app.models import User
            user = db.session.get(User, caseworker_id)
            barrier.wait()
            try:
                transitions.perform(case_id, "start_screening", user, expected_version=version)
                results.append("ok")
            except (transitions.StaleCase, TransitionNotAllowed) as exc:
                results.append(type(exc).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=act) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["StaleCase", "ok"]
    assert _count(CaseEvent, CaseEvent.action == "start_screening") == 1

"""Assignment, notes, information requests, hearings, assessment and conflicts: rows, journal and outbox."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Assessment, CaseEvent, ConflictDeclaration, CriterionScore, OutboxMessage
from app.services.cases import assessment as assessment_service
from app.services.cases import assignment, notes as case_notes, hearing, transitions
from app.services.cases.assessment import ScoreInput
from app.services.cases.guard import NotAllowed
from tests.staff.conftest import fresh
from workflows import TransitionNotAllowed


def events(case, kind):
    return db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == kind)
                              .order_by(CaseEvent.id)).all()


def outbox(template=None):
    stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if template:
        stmt = stmt.where(OutboxMessage.template == template)
    return db.session.scalars(stmt).all()


def test_take_and_assign_are_journalised_and_the_colleague_is_told(world):
    case = world.submitted()
    assignment.assign(case.id, world.caseworker.id, world.caseworker, expected_version=case.version)
    assert fresh(case).assignee_id == world.caseworker.id
    assignment.assign(case.id, world.colleague.id, world.caseworker)
    assert fresh(case).assignee_id == world.colleague.id
    [take, give] = events(case, "assignment")
    assert (take.action, take.comment, take.visibility) == ("assign", "Mette Sørensen", "internal")
    assert give.comment == "Jonas Bæk" and give.actor_id == world.caseworker.id
    [notice] = outbox("case_assigned")
    assert notice.recipient == "jonas@kommune.dk" and notice.payload["case_number"] == case.number


def test_assign_refuses_stale_version_members_and_inhabil_colleague(world):
    case = world.submitted()
    with pytest.raises(transitions.StaleCase):
        assignment.assign(case.id, world.caseworker.id, world.caseworker, expected_version=case.version - 1)
    with pytest.raises(NotAllowed):
        assignment.assign(case.id, world.member.id, world.caseworker)
    assessment_service.declare_conflict(case.id, world.colleague, "Min søster er formand")
    with pytest.raises(NotAllowed, match="inhabil"):
        assignment.assign(case.id, world.colleague.id, world.caseworker)
    with pytest.raises(NotAllowed, match="inhabil"):
        assignment.assign(case.id, world.caseworker.id, world.colleague)
    assert fresh(case).assignee_id is None and events(case, "assignment") == []


def test_bulk_assign_all_or_nothing(world):
    a, b, c = world.submitted(), world.submitted(), world.submitted()
    seen = {a.id: a.version, b.id: b.version, c.id: c.version}  # what the queue page showed
    n = assignment.bulk_assign({a.id: seen[a.id], b.id: seen[b.id]}, world.colleague.id, world.caseworker)
    assert n == 2 and fresh(a).assignee_id == fresh(b).assignee_id == world.colleague.id
    with pytest.raises(transitions.StaleCase):
        assignment.bulk_assign({a.id: seen[a.id], c.id: seen[c.id]}, world.caseworker.id, world.caseworker)
    assert fresh(c).assignee_id is None and fresh(a).assignee_id == world.colleague.id
    with pytest.raises(transitions.CaseNotFound):
        assignment.bulk_assign({c.id: None, 999_999: None}, world.caseworker.id, world.caseworker)
    assert fresh(c).assignee_id is None
    assert len(events(a, "assignment")) == 1 and events(c, "assignment") == []


def test_notes_are_internal_and_need_text(world):
    case = world.submitted()
    case_notes.add_note(case.id, world.caseworker, "  Ringede til formanden om budgettet.  ")
    [note] = events(case, "note")
    assert note.comment == "Ringede til formanden om budgettet." and note.visibility == "internal"
    with pytest.raises(NotAllowed):
        case_notes.add_note(case.id, world.caseworker, "   ")
    with pytest.raises(NotAllowed):
        case_notes.add_note(case.id, world.member, "Hej")


def test_information_request_round_trip_with_notices(world):
    case = world.submitted("start_screening")
    case_id, deadline = case.id, clock.today() + timedelta(days=5)
    assignment.assign(case_id, world.caseworker.id, world.caseworker)
    before = len(outbox())
    hearing.request_information(case_id, world.caseworker, "Send jeres budget, tak.", deadline,
                                expected_version=fresh(case).version)
    case = fresh(case)
    assert case.state == "needs_information" and case.reply_deadline == deadline
    [asked] = outbox()[before:]
    assert asked.template == "case_update" and asked.recipient == world.association.contact_email
    transitions.perform(case_id, "answer_information", world.member,
                        given=transitions.ActionInput(comment="Budgettet er vedhæftet."))
    case = fresh(case)
    assert case.state == "screening" and case.reply_deadline is None
    [answered] = outbox()[before + 1:]
    assert answered.template == "case_update_staff" and answered.recipient == "mette@kommune.dk"
    [exchange] = hearing.information_exchanges(transitions.journal(case))
    assert exchange["question"].comment == "Send jeres budget, tak."
    assert exchange["answer"].comment == "Budgettet er vedhæftet."


def test_information_request_refuses_past_deadline_and_empty_question(world):
    case = world.submitted("start_screening")
    with pytest.raises(NotAllowed, match="før i dag"):
        hearing.request_information(case.id, world.caseworker, "Budget?", clock.today() - timedelta(days=1))
    with pytest.raises(NotAllowed):
        hearing.request_information(case.id, world.caseworker, "  ", clock.today())
    assert fresh(case).state == "screening" and outbox("case_update")[-1].payload["state_public"] != \
        "Vi mangler oplysninger fra jer"


def test_default_reply_deadline_comes_from_the_pool(world):
    case = world.submitted("start_screening")
    hearing.request_information(case.id, world.caseworker, "Budget?")
    assert fresh(case).reply_deadline == clock.today() + timedelta(days=world.pool.reply_days)


def test_hearing_confirmation_is_required_for_rejection_and_journalised(world):
    case = world.submitted("start_screening", "start_assessment", "recommend")
    with pytest.raises(TransitionNotAllowed):
        transitions.perform(case.id, "decide_reject", world.caseworker,
                            given=transitions.ActionInput(reason="Ikke inden for formålet"))
    with pytest.raises(NotAllowed):
        hearing.confirm_hearing(case.id, world.caseworker, "held", "  ")
    hearing.confirm_hearing(case.id, world.caseworker, "not_needed", "Afgørelsen bygger kun på ansøgningen.",
                            expected_version=fresh(case).version)
    assert fresh(case).hearing_confirmed
    [event] = events(case, "hearing")
    assert (event.action, event.visibility) == ("not_needed", "internal")
    transitions.perform(case.id, "decide_reject", world.caseworker,
                        given=transitions.ActionInput(reason="Ikke inden for formålet"))
    assert fresh(case).state == "rejected"


def _scores(world, first, second):
    ids = [c.id for c in world.pool.criteria]
    return {ids[0]: ScoreInput(first, "Godt samarbejde"), ids[1]: ScoreInput(second, "")}


def test_assessment_stores_scores_amount_and_recommendation(world):
    case = world.submitted("start_screening", "start_assessment")
    saved = assessment_service.save_assessment(case.id, world.caseworker, _scores(world, 4, 1), 8_000,
                                               "Anbefales delvist.", expected_version=case.version)
    assert assessment_service.score_of(saved) == pytest.approx((4 * 2 + 1 * 1) / 3)
    case = fresh(case)
    assert case.recommended_amount == 8_000
    [event] = events(case, "assessment")
    assert event.visibility == "internal" and "3,0" in event.comment and "8.000 kr." in event.comment
    assessment_service.save_assessment(case.id, world.caseworker, _scores(world, 5, None), None, "")
    [score] = db.session.scalars(sa.select(CriterionScore)).all()
    assert (score.score, score.weight, score.criterion_name) == (5, 2, "Samspil")
    assert fresh(case).recommended_amount is None


@pytest.mark.parametrize("scores, amount, message", [
    ((6, 1), 5_000, "0 til 5"),
    ((-1, 1), 5_000, "0 til 5"),
    ((3, 3), 10_001, "større end det ansøgte"),
    ((3, 3), -5, "negativt"),
])
def test_bad_assessment_input_saves_nothing(world, scores, amount, message):
    case = world.submitted("start_screening", "start_assessment")
    with pytest.raises(NotAllowed, match=message):
        assessment_service.save_assessment(case.id, world.caseworker, _scores(world, *scores), amount, "x")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CriterionScore)) == 0
    assert fresh(case).recommended_amount is None and events(case, "assessment") == []


def test_assessment_refuses_stale_form_and_closed_states(world):
    case = world.submitted("start_screening", "start_assessment")
    with pytest.raises(transitions.StaleCase):
        assessment_service.save_assessment(case.id, world.caseworker, {}, 1_000, "", expected_version=case.version - 1)
    transitions.perform(case.id, "recommend", world.caseworker)
    with pytest.raises(NotAllowed, match="Genoptag"):
        assessment_service.save_assessment(case.id, world.caseworker, {}, 1_000, "")


def test_conflict_of_interest_blocks_every_action_and_is_journalised(world):
    case = world.submitted("start_screening")
    assignment.assign(case.id, world.caseworker.id, world.caseworker)
    assessment_service.declare_conflict(case.id, world.caseworker, "Jeg er medlem af klubben")
    case = fresh(case)
    assert case.assignee_id is None
    assert db.session.scalar(sa.select(ConflictDeclaration.reason)) == "Jeg er medlem af klubben"
    [conflict] = events(case, "conflict")
    assert conflict.visibility == "internal"
    with pytest.raises(TransitionNotAllowed, match="inhabil"):
        transitions.perform(case.id, "start_assessment", world.caseworker)
    for call in (lambda: case_notes.add_note(case.id, world.caseworker, "note"),
                 lambda: hearing.confirm_hearing(case.id, world.caseworker, "held", "x"),
                 lambda: assessment_service.save_assessment(case.id, world.caseworker, {}, None, ""),
                 lambda: assignment.assign(case.id, world.caseworker.id, world.caseworker)):
        with pytest.raises(NotAllowed, match="inhabil"):
            call()
    with pytest.raises(TransitionNotAllowed, match="inhabil"):
        hearing.request_information(case.id, world.caseworker, "Budget?")
    assert fresh(case).state == "screening"
    transitions.perform(case.id, "start_assessment", world.colleague)  # a colleague takes over


def test_delegation_limit_decides_who_decides(world):
    small = world.submitted("start_screening", "start_assessment", amount=15_000)
    assessment_service.save_assessment(small.id, world.caseworker, {}, 12_000, "Anbefales.")
    transitions.perform(small.id, "recommend", world.caseworker)
    offered = [t.action for t in transitions.offered_actions(fresh(small), world.caseworker)[0]]
    assert "decide_grant" in offered and "send_to_committee" not in offered
    transitions.perform(small.id, "decide_grant", world.caseworker)
    assert fresh(small).state == "granted" and fresh(small).granted_amount == 12_000

    big = world.submitted("start_screening", "start_assessment", amount=30_000)
    transitions.perform(big.id, "recommend", world.caseworker)
    offered = [t.action for t in transitions.offered_actions(fresh(big), world.caseworker)[0]]
    assert "send_to_committee" in offered and "decide_grant" not in offered
    with pytest.raises(TransitionNotAllowed, match="bemyndigelse"):
        transitions.perform(big.id, "decide_grant", world.caseworker)
    transitions.perform(big.id, "send_to_committee", world.caseworker)
    assert fresh(big).state == "committee"
    assert {m.recipient for m in outbox("case_update_staff")} >= {"chair@kommune.dk"}

"""Perform a workflow action on a case: lock, ask the engine, change, journal, outbox, commit once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import Case, CaseEvent, Decision, User
from app.models.decision import FULL_YES
from app.models.base import utcnow
from app.services import booking_effects
from app.services import cases as case_rules
from app.services import letters, notices
from app.services.unit_of_work import commit, rollback
from workflows import Context, Outcome, TransitionNotAllowed, apply, available_actions, blocked_actions, registry


class CaseNotFound(Exception):
    """No such case."""


class StaleCase(Exception):
    """Someone else changed the case since the form was shown."""


class ReasonRequired(Exception):
    """A decision that is not a full yes must state its reason (forvaltningsloven §§ 22-24)."""


class AmountRequired(Exception):
    """A partial grant needs the amount granted."""


@dataclass(frozen=True)
class ActionInput:
    """What the person typed with the action."""

    comment: str | None = None
    amount: int | None = None
    reason: str | None = None
    reply_deadline: date | None = None
    meeting_id: int | None = None  # set when a committee meeting decides


def context_for(case: Case, user: User, today: date | None = None) -> Context:
    """The facts the workflow guards read, taken from the case, its pool and the acting user."""
    pool = case.pool
    return Context(
        amount_applied=case.amount_applied, recommended_amount=case.recommended_amount,
        delegation_limit=pool.delegation_limit, fast_track_limit=pool.fast_track_limit,
        is_informal_group=case.association.is_informal, hearing_confirmed=case.hearing_confirmed,
        is_seasonal=bool((case.data or {}).get("seasonal")), auto_approve=bool((case.data or {}).get("auto_approve")),
        is_inhabil=case_rules.is_inhabil(user, case),
        before_deadline=case_rules.accepts_applications(pool, today or date.today()))


def offered_actions(case: Case, user: User) -> tuple[list, list]:
    """(available transitions, [(blocked transition, reason)]) for the buttons on a case page."""
    workflow = registry.get(case.workflow)
    roles, ctx = case_rules.roles_for(user, case), context_for(case, user)
    return available_actions(workflow, case.state, roles, ctx), blocked_actions(workflow, case.state, roles, ctx)


def perform(case_id: int, action: str, user: User, *, expected_version: int | None = None,
            given: ActionInput = ActionInput()) -> Outcome:
    """Apply `action`; raises CaseNotFound, StaleCase or TransitionNotAllowed and then changes nothing."""
    case = db.session.get(Case, case_id, with_for_update=True, populate_existing=True)
    if case is None:
        raise CaseNotFound()
    if expected_version is not None and case.version != expected_version:
        rollback()
        raise StaleCase()
    try:
        outcome = apply_transition(case, action, user, given)
    except Exception:
        rollback()
        raise
    try:
        commit()
    except StaleDataError as exc:  # SQLite has no row lock: the version check catches the race
        rollback()
        raise StaleCase() from exc
    return outcome


def apply_transition(case: Case, action: str, user: User, given: ActionInput = ActionInput()) -> Outcome:
    """Ask the engine, change the (locked) case, run the effects and journal, without committing.

    perform() commits one case; a use case deciding many cases at once (a committee meeting) calls this
    for each and commits once. On an exception the caller must roll back.
    """
    outcome = apply(registry.get(case.workflow), case.state, action, case_rules.roles_for(user, case),
                    context_for(case, user))
    _check_decision_input(case, outcome, given)
    case.state = outcome.target
    for effect in _effects_to_run(outcome):
        EFFECTS.get(effect, _journal_only)(case, user, given)
    db.session.add(CaseEvent(case_id=case.id, actor_id=user.id, kind="transition", action=action,
                             from_state=outcome.source, to_state=outcome.target, comment=given.comment))
    return outcome


def _effects_to_run(outcome: Outcome) -> tuple[str, ...]:
    # The decision letter's own notice tells the applicant, once the letter can be read: one e-mail, not two.
    if "render_decision_letter" in outcome.effects:
        return tuple(e for e in outcome.effects if e != "notify_applicant")
    return outcome.effects


def _check_decision_input(case: Case, outcome: Outcome, given: ActionInput) -> None:
    if "record_decision" not in outcome.effects:
        return
    if outcome.target not in FULL_YES and not (given.reason or "").strip():
        raise ReasonRequired()
    if outcome.target == "partly_granted" and given.amount is None and case.recommended_amount is None:
        raise AmountRequired()


def _assign_case_number(case: Case, user: User, given: ActionInput) -> None:
    now = utcnow()
    case.submitted_at = now
    if case.number is None:
        case.number = case_rules.next_case_number(now.year)


def _start_reply_deadline(case: Case, user: User, given: ActionInput) -> None:
    case.reply_deadline = given.reply_deadline or date.today() + timedelta(days=case.pool.reply_days)


def _stop_reply_deadline(case: Case, user: User, given: ActionInput) -> None:
    case.reply_deadline = None


def _decided_amount(case: Case, given: ActionInput) -> int | None:
    if case.workflow == "premises_loan":
        return None
    if case.state == "rejected":
        return 0
    if case.state == "granted":
        return case.recommended_amount or case.amount_applied
    return given.amount if given.amount is not None else case.recommended_amount


def _record_decision(case: Case, user: User, given: ActionInput) -> None:
    pool = case.pool
    case.decided_at = utcnow()
    case.granted_amount = _decided_amount(case, given)
    db.session.add(Decision(
        case_id=case.id, outcome=case.state, amount=case.granted_amount,
        reason=(given.reason or "").strip(), legal_basis=pool.legal_basis,
        appeal_text=pool.appeal_text.strip() or current_app.config["DEFAULT_APPEAL_TEXT"],
        delegated=user.role != "committee_member", decided_by_id=user.id, decided_at=case.decided_at,
        meeting_id=given.meeting_id))


def _start_report_deadline(case: Case, user: User, given: ActionInput) -> None:
    days = case.pool.report_due_days
    case.report_due_on = date.today() + timedelta(days=days) if days else None


def _journal_only(case: Case, user: User, given: ActionInput) -> None:
    """Effects handled by later parts of the product (letters, bookings) are recorded in the journal only."""


EFFECTS = {
    "assign_case_number": _assign_case_number,
    "start_reply_deadline": _start_reply_deadline,
    "stop_reply_deadline": _stop_reply_deadline,
    "record_decision": _record_decision,
    "start_report_deadline": _start_report_deadline,
    "notify_applicant": notices.notify_applicant,
    "notify_caseworker": notices.notify_caseworker,
    "notify_committee": notices.notify_committee,
    "render_decision_letter": letters.request_decision_letter,
    "create_bookings": booking_effects.create_bookings,
    "release_bookings": booking_effects.release_bookings,
}


def journal(case: Case) -> list[CaseEvent]:
    """The case's events, oldest first."""
    return list(db.session.scalars(db.select(CaseEvent).where(CaseEvent.case_id == case.id)
                                   .options(db.joinedload(CaseEvent.actor)).order_by(CaseEvent.id)))


def replay_state(case: Case) -> str:
    """The state the journal leads to (it must equal case.state)."""
    from workflows import replay
    steps = [(e.action, e.from_state, e.to_state) for e in journal(case) if e.kind == "transition"]
    return replay(registry.get(case.workflow), steps)


__all__ = ["ActionInput", "CaseNotFound", "StaleCase", "TransitionNotAllowed", "perform", "apply_transition",
           "offered_actions",
           "current_app"]

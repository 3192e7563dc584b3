"""Perform a workflow action on a case: lock, ask the engine, change, journal, outbox; one unit of work."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy.orm.exc import StaleDataError

from app import clock
from app.extensions import db
from app.models import Case, CaseEvent, Decision, User
from app.services.cases import core as case_rules
from app.services.pools import limits
from app.services.unit_of_work import flush, use_case
from workflows import (EFFECTS, Context, Outcome, TransitionNotAllowed, apply, available_actions, blocked_actions,
                       registry, replay)


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
    # Set by a caller that has checked the pool budgets for all it grants in its unit of work, the pools locked
    # (a meeting's close): the decision then skips its own per-case lock and sum of the pool.
    budget_checked: bool = False


def context_for(case: Case, user: User, today: date | None = None, amount_to_grant: int | None = None,
                is_inhabil: bool | None = None) -> Context:
    """The facts the workflow guards read, taken from the case, its pool, the acting user and the amount typed.

    `is_inhabil` is the user's conflict in the case when the caller has read it already (for many cases at once).
    """
    pool = case.pool
    return Context(
        amount_applied=case.amount_applied, recommended_amount=case.recommended_amount,
        amount_to_grant=amount_to_grant,
        delegation_limit=pool.delegation_limit, fast_track_limit=pool.fast_track_limit,
        is_informal_group=case.association.is_informal, hearing_confirmed=case.hearing_confirmed,
        is_seasonal=bool((case.data or {}).get("seasonal")), auto_approve=bool((case.data or {}).get("auto_approve")),
        is_inhabil=case_rules.is_inhabil(user, case) if is_inhabil is None else is_inhabil,
        before_deadline=case_rules.accepts_applications(pool, today or clock.today()))


def offered_actions(case: Case, user: User) -> tuple[list, list]:
    """(available transitions, [(blocked transition, reason)]) for the buttons on a case page."""
    workflow = registry.get(case.workflow)
    roles, ctx = case_rules.roles_for(user, case), context_for(case, user)
    return available_actions(workflow, case.state, roles, ctx), blocked_actions(workflow, case.state, roles, ctx)


def lock_case(case_id: int, expected_version: int | None = None) -> Case:
    """The case, locked for update and read afresh; StaleCase when the form showed an older version.

    The row is locked by a query of its version alone: a locking `get` of a case the session already holds
    (the view loaded it) compares versions itself and raises StaleDataError, a 500, when someone else won.
    """
    version = db.session.scalar(db.select(Case.version).where(Case.id == case_id).with_for_update())
    if version is None:
        raise CaseNotFound()
    if expected_version is not None and version != expected_version:
        raise StaleCase()
    return db.session.get(Case, case_id, populate_existing=True)


@use_case
def perform(case_id: int, action: str, user: User, *, expected_version: int | None = None,
            given: ActionInput = ActionInput()) -> Outcome:
    """Apply `action` as a use case; raises CaseNotFound, StaleCase or TransitionNotAllowed and then changes nothing.

    Called from a view or task it commits (once, with whatever the caller added to the session for it);
    inside another use case it only flushes, and a refusal voids the caller's whole unit of work.
    """
    with stale_as_case():
        case = lock_case(case_id, expected_version)
        outcome = apply_transition(case, action, user, given)  # the budget check flushes to sum the pool
        flush()
    return outcome


@contextmanager
def stale_as_case() -> Iterator[None]:
    """A lost race caught by the version check (SQLite has no row locks; any autoflush may meet it) is StaleCase."""
    try:
        yield
    except StaleDataError as exc:
        raise StaleCase() from exc


def apply_transition(case: Case, action: str, user: User, given: ActionInput = ActionInput(), *,
                     roles: frozenset[str] | None = None, is_inhabil: bool | None = None) -> Outcome:
    """Ask the engine, change the (locked) case, run the effects and journal, without committing.

    perform() is the use case for one case; a use case deciding many cases at once (a committee meeting)
    calls this for each and commits once, passing the user's `roles` and conflict (`is_inhabil`) it read for
    all the cases together (case_rules.roles_for_cases, guard.case_conflicts) instead of two queries per case.
    It raises before or after changing the session: the calling use case's unit of work is then rolled back.
    """
    roles = case_rules.roles_for(user, case) if roles is None else roles
    ctx = context_for(case, user, amount_to_grant=_amount_to_grant(case, action, given), is_inhabil=is_inhabil)
    outcome = apply(registry.get(case.workflow), case.state, action, roles, ctx)
    _check_decision_input(case, outcome, given)
    case.state = outcome.target
    for effect in _effects_to_run(outcome):
        _handlers[effect](case, user, given)
    journal_transition(case, user, action, outcome.source, outcome.target, given.comment)
    return outcome


def journal_transition(case: Case, actor: User, action: str, source: str, target: str,
                       comment: str | None = None) -> None:
    """Journal a transition made on `case` and tell the observers (the API's events), in the caller's unit of work.

    apply_transition ends with it; so does a use case that moves a case by a workflow transition without the
    engine's guards (a committee's approved batch creates its cases decided, a settlement closes a case with
    nothing left to pay), so that every transition reaches the journal and the event feed alike.
    """
    db.session.add(CaseEvent(case_id=case.id, actor_id=actor.id, kind="transition", action=action,
                             from_state=source, to_state=target, comment=comment))
    for observe in _observers:  # the API's events (bound in app/wiring.py), in this unit of work
        observe(case, action, source, target)


def _amount_to_grant(case: Case, action: str, given: ActionInput) -> int | None:
    """The amount a partial grant names, so the delegation guard weighs what is granted, not what was recommended."""
    if given.amount is None or not case.is_grant:
        return None
    workflow = registry.get(case.workflow)
    targets = {t.target for t in workflow.transitions_from(case.state) if t.action == action}
    return given.amount if any(workflow.has_tag(t, "granted_in_part") for t in targets) else None


def _effects_to_run(outcome: Outcome) -> tuple[str, ...]:
    # The decision letter's own notice tells the applicant, once the letter can be read: one e-mail, not two.
    if "render_decision_letter" in outcome.effects:
        return tuple(e for e in outcome.effects if e != "notify_applicant")
    return outcome.effects


def _check_decision_input(case: Case, outcome: Outcome, given: ActionInput) -> None:
    if "record_decision" not in outcome.effects:
        return
    workflow = case.workflow
    if not registry.has_tag(workflow, outcome.target, "granted_in_full") and not (given.reason or "").strip():
        raise ReasonRequired()
    partial_grant = case.is_grant and registry.has_tag(workflow, outcome.target, "granted_in_part")
    if partial_grant and given.amount is None and case.recommended_amount is None:
        raise AmountRequired()


def _assign_case_number(case: Case, user: User, given: ActionInput) -> None:
    now = clock.now()
    if case.submitted_at is None:
        _touch_association_at_first_submission(case, now)
    case.submitted_at = now
    if case.number is None:
        case.number = case_rules.next_case_number(clock.local(now).year)  # the Danish year, also at New Year's night


def _touch_association_at_first_submission(case: Case, now: datetime) -> None:
    """The API lists the associations with a submitted case: with its first one an association enters that list,
    and `updated_since` must find it there though nothing in its row changed."""
    earlier = db.select(Case.id).where(Case.association_id == case.association_id, Case.id != case.id,
                                       Case.submitted_at.is_not(None))
    if not db.session.scalar(earlier.exists().select()):
        case.association.updated_at = now


def _start_reply_deadline(case: Case, user: User, given: ActionInput) -> None:
    case.reply_deadline = given.reply_deadline or clock.today() + timedelta(days=case.pool.reply_days)


def _stop_reply_deadline(case: Case, user: User, given: ActionInput) -> None:
    case.reply_deadline = None


def _decided_amount(case: Case, given: ActionInput) -> int | None:
    if not case.is_grant:
        return None
    if case.state_has("refused"):
        return 0
    if case.state_has("granted_in_full"):
        return case.recommended_amount or case.amount_applied
    return given.amount if given.amount is not None else case.recommended_amount


def _record_decision(case: Case, user: User, given: ActionInput) -> None:
    pool = case.pool
    amount, delegated = _decided_amount(case, given), user.role != "committee_member"
    limits.check_grant(case, amount, delegated=delegated, budget=not given.budget_checked)  # before anything of the decision is written
    case.decided_at = clock.now()
    case.granted_amount = amount
    # The basis and its appeal guidance come from one library entry (or neither: the default guidance).
    basis = pool.basis
    legal_basis, appeal_text = ((basis.name, basis.appeal_text) if basis is not None
                                else ("", current_app.config["DEFAULT_APPEAL_TEXT"]))
    db.session.add(Decision(
        case_id=case.id, outcome=case.state, amount=case.granted_amount,
        reason=(given.reason or "").strip(), legal_basis=legal_basis, appeal_text=appeal_text,
        delegated=delegated, decided_by_id=user.id, decided_at=case.decided_at,
        meeting_id=given.meeting_id))


def _start_report_deadline(case: Case, user: User, given: ActionInput) -> None:
    days = case.pool.report_due_days
    case.report_due_on = clock.today() + timedelta(days=days) if days else None


# The effects that change the case itself; the others (notices, letters, bookings) belong to other areas
# and are bound by app/wiring.py, so this module imports none of them.
OWN_EFFECT_HANDLERS = {
    "assign_case_number": _assign_case_number,
    "start_reply_deadline": _start_reply_deadline,
    "stop_reply_deadline": _stop_reply_deadline,
    "record_decision": _record_decision,
    "start_report_deadline": _start_report_deadline,
}
_handlers: dict = dict(OWN_EFFECT_HANDLERS)


_observers: list[Callable[[Case, str, str, str], None]] = []


def bind_observers(observers: list[Callable[[Case, str, str, str], None]]) -> None:
    """Functions told of every transition (case, action, source, target) before the commit (app/wiring.py)."""
    _observers[:] = observers


def bind_effects(handlers: dict) -> None:
    """Bind the other areas' effect handlers (app/wiring.py); refuses a set that disagrees with the workflows."""
    bound = {**OWN_EFFECT_HANDLERS, **handlers}
    check_effect_handlers(bound)
    _handlers.clear()
    _handlers.update(bound)


def check_effect_handlers(handlers: dict) -> None:
    """Refuse to start when a workflow effect has no handler, or a handler binds no effect."""
    problems = [f"effect '{name}' has no handler" for name in sorted(EFFECTS - handlers.keys())]
    problems += [f"a handler is bound to '{name}', which is no workflow effect"
                 for name in sorted(handlers.keys() - EFFECTS)]
    if problems:
        raise RuntimeError("Workflow effects and their handlers disagree: " + "; ".join(problems))


def journal(case: Case) -> list[CaseEvent]:
    """The case's events, oldest first."""
    return list(db.session.scalars(db.select(CaseEvent).where(CaseEvent.case_id == case.id)
                                   .options(db.joinedload(CaseEvent.actor)).order_by(CaseEvent.id)))


def journal_since(case_id: int, seen_event_id: int | None) -> list[CaseEvent]:
    """The case's events after the last one a page showed (what someone else did meanwhile), oldest first."""
    query = db.select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.id > (seen_event_id or 0))
    return list(db.session.scalars(query.options(db.joinedload(CaseEvent.actor)).order_by(CaseEvent.id).limit(20)))


def last_event_id(case_id: int) -> int:
    """The newest journal event's id (0 for none): a page carries it so a lost race can say what changed."""
    return db.session.scalar(db.select(db.func.max(CaseEvent.id)).where(CaseEvent.case_id == case_id)) or 0


def replay_state(case: Case) -> str:
    """The state the journal leads to (it must equal case.state)."""
    steps = [(e.action, e.from_state, e.to_state) for e in journal(case) if e.kind == "transition"]
    return replay(registry.get(case.workflow), steps)


__all__ = ["ActionInput", "CaseNotFound", "StaleCase", "TransitionNotAllowed", "perform", "apply_transition",
           "journal_transition", "offered_actions",
           "current_app"]

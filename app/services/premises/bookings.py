"""Booking requests: checked against the rules and the calendar, made a premises_loan case, decided, cancelled."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time

from app import clock
from app.extensions import db
from app.models import (AllocationRound, Association, Booking, BookingRequest, Case, CaseEvent, Pool, RequestSlot,
                        Space, User)
from app.models.user import find_user_by_email
from app.services.accounts.passwords import hash_password
from app.services.cases import core as case_service, transitions
from app.services.premises import rules
from app.services.cases.guard import require_staff_not_inhabil
from app.services.premises.booking_effects import request_for_case
from app.services.premises.booking_notices import notify_cancelled
from app.services.premises.cancellations import cancel, check_association_may_cancel, journal_cancellation
from app.services.premises.catalogue import applicant_facts, space_facts
from app.services.premises.messages import when, when_span
from app.services.premises.occupancy import BookingConflict, active_bookings, find_collisions
from app.services.premises.recurrence import SeriesError, Slot, expand
from app.services.premises.rules import Problem
from app.services.unit_of_work import insert_if_absent, use_case
from workflows import registry

SYSTEM_EMAIL = "system@foreningsstotte.invalid"


@dataclass(frozen=True)
class RequestInput:
    """What the association typed in the request form."""

    space_id: int
    association_id: int
    purpose: str
    participants: int
    age_group: str
    first_day: date
    start_time: time
    end_time: time
    recurrence: str = "none"
    until: date | None = None
    exceptions: frozenset[date] = frozenset()
    equipment_ids: tuple[int, ...] = ()
    take_free: bool = False


@dataclass
class RequestCheck:
    """The dates a request covers, which of them are taken or closed (slot -> reason), and hard problems."""

    slots: list[Slot]
    unavailable: dict[Slot, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def free(self) -> list[Slot]:
        return [s for s in self.slots if s not in self.unavailable]


class RequestRefused(Exception):
    """The request breaks a rule; nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(p.code for p in problems))
        self.problems = problems


class PartlyUnavailable(Exception):
    """Some dates are taken or closed; the association may take the free ones. Nothing was saved."""

    def __init__(self, check: RequestCheck) -> None:
        super().__init__("partly unavailable")
        self.check = check


def _blocking_round(slots: list[Slot], today: date) -> AllocationRound | None:
    if not slots:
        return None
    first, last = slots[0].local_day(), slots[-1].local_day()
    return db.session.scalar(db.select(AllocationRound).where(
        AllocationRound.status != "published", AllocationRound.opens_on <= today,
        AllocationRound.season_start <= last, AllocationRound.season_end >= first).limit(1))


def _rule_problems(space: Space, association: Association, data: RequestInput, slots: list[Slot],
                   now: datetime) -> list[Problem]:
    facts = space_facts(space)
    problems = [] if space.is_published else [Problem("not_bookable")]
    today = clock.local(now).date()  # Danish date: just after midnight on 1 January it is the new year here
    # Approval is the association's status now (it is renewed yearly), not in the booking's year.
    problems += rules.applicant_problems(facts, applicant_facts(association, today.year))
    problems += [p for p in (rules.capacity_problem(facts, data.participants), rules.past_problem(slots, now)) if p]
    problems += rules.hours_problems(facts, slots)
    season = _blocking_round(slots, today)
    if season is not None:
        problems.append(Problem("season_round", {"name": season.name}))
    return problems


def check_request(space: Space, association: Association, data: RequestInput, now: datetime | None = None) -> RequestCheck:
    """Every problem with a request, and which of its dates are taken or closed. Writes nothing."""
    now = now or clock.now()
    try:
        slots = expand(data.first_day, data.start_time, data.end_time, data.recurrence, data.until, data.exceptions)
    except SeriesError as exc:
        return RequestCheck([], problems=[Problem(exc.code)])
    problems = _rule_problems(space, association, data, slots, now)
    if problems:
        return RequestCheck(slots, problems=problems)
    unavailable = dict(rules.closed_slots(space_facts(space), slots))
    for collision in find_collisions(space, slots):
        unavailable.setdefault(collision.slot, "")
    check = RequestCheck(slots, unavailable)
    if slots and not check.free:
        check.problems.append(_all_taken_problem(slots, unavailable))
    return check


def _all_taken_problem(slots: list[Slot], unavailable: dict[Slot, str]) -> Problem:
    if len(slots) > 1:
        return Problem("all_unavailable")
    reason = unavailable[slots[0]]
    return Problem("closed", {"when": when(slots[0]), "reason": reason}) if reason else \
        Problem("taken", {"when": when(slots[0])})


def premises_pool() -> Pool | None:
    """The published pool whose workflow is premises_loan (the newest year)."""
    return db.session.scalar(db.select(Pool).where(Pool.workflow == registry.PREMISES_LOAN,
                                                   Pool.is_published.is_(True))
                             .order_by(Pool.year.desc(), Pool.id.desc()).limit(1))


@use_case
def request_booking(user: User, data: RequestInput) -> Case:
    """Make the request a premises_loan case and submit it; auto-approve when the space allows.

    One unit of work: the case, its request and the auto-approval's bookings commit together. When the
    approval meets a time taken since the check (a lost race), RequestRefused says so and nothing is saved.
    """
    space, association = db.session.get(Space, data.space_id), db.session.get(Association, data.association_id)
    check = check_request(space, association, data)
    if check.problems:
        raise RequestRefused(check.problems)
    if check.unavailable and not data.take_free:
        raise PartlyUnavailable(check)
    pool = premises_pool()
    if pool is None:
        raise RequestRefused([Problem("no_pool")])
    title = f"{space.name}: {data.purpose}"[:300]
    case = case_service.create_draft(pool, association, user, title,
                                     data={"space_id": space.id, "seasonal": False, "auto_approve": space.auto_approve})
    skipped = {s.local_day().isoformat() for s in check.unavailable}
    db.session.add(BookingRequest(
        case_id=case.id, space_id=space.id, purpose=data.purpose, participants=data.participants,
        age_group=data.age_group, first_day=data.first_day, start_time=data.start_time, end_time=data.end_time,
        recurrence=data.recurrence, until=data.until, equipment_ids=list(data.equipment_ids),
        exceptions=sorted({d.isoformat() for d in data.exceptions} | skipped),
        slots=[RequestSlot(starts_at=s.starts_at, ends_at=s.ends_at) for s in check.free]))
    transitions.perform(case.id, "submit", user)
    if space.auto_approve:
        try:
            auto_approve(case.id)
        except BookingConflict as exc:  # the unit of work is void already; say why in the request form's words
            raise RequestRefused([Problem("taken", {"when": exc.params.get("when", "–")})]) from exc
    return case


def system_user() -> User:
    """The account the system acts as when it approves automatically (inactive: nobody can log in)."""
    user = find_user_by_email(SYSTEM_EMAIL)
    if user is None:  # the first auto-approvals may race to make it: one inserts, the others find it
        insert_if_absent(User, {"email": SYSTEM_EMAIL, "full_name": "Systemet (automatisk godkendelse)",
                                "role": "caseworker", "is_active": False,
                                "password_hash": hash_password(secrets.token_urlsafe(32))}, unique=("email",))
        user = find_user_by_email(SYSTEM_EMAIL)
    return user


@use_case
def auto_approve(case_id: int) -> bool:
    """Approve as the system when the engine allows it, else leave it to a caseworker (False).

    The engine is asked first, so a refusal raises nothing inside the caller's unit of work; a time taken
    meanwhile still raises BookingConflict, which voids the unit (the request with it).
    """
    case, system = db.session.get(Case, case_id), system_user()
    available, _ = transitions.offered_actions(case, system)
    if "auto_approve" not in {t.action for t in available}:
        return False
    transitions.perform(case_id, "auto_approve", system)
    return True


@use_case
def decide_request(case_id: int, user: User, action: str, *, version: int, keep_slot_ids: set[int],
                   reason: str | None, comment: str | None) -> None:
    """Approve, partly approve (the kept dates) or reject a request, through the workflow in one commit."""
    case = db.session.get(Case, case_id)
    if case is None or case.version != version:
        raise transitions.StaleCase()
    request = request_for_case(case_id)
    if action == "partly_approve" and request is not None:
        keep = keep_slot_ids & {s.id for s in request.slots}
        if not keep:
            raise RequestRefused([Problem("choose_dates")])
        for slot in request.slots:
            slot.selected = slot.id in keep
    transitions.perform(case_id, action, user, given=transitions.ActionInput(comment=comment, reason=reason))


@use_case
def confirm_hearing(case_id: int, user: User, version: int) -> None:
    """Record that partshøring is done or not needed (forvaltningsloven § 19), so a negative decision may follow."""
    case = db.session.get(Case, case_id)
    if case is None or case.version != version:
        raise transitions.StaleCase()
    case.hearing_confirmed = True
    db.session.add(CaseEvent(case_id=case.id, actor_id=user.id, kind="hearing_confirmed", visibility="internal",
                             comment="Partshøring er gennemført eller ikke nødvendig."))


@use_case
def cancel_booking(booking_id: int, user: User) -> Booking:
    """The association cancels one date, within the space's deadline and limit per season."""
    booking = db.session.get(Booking, booking_id, with_for_update=True)
    if booking.status == "cancelled":
        raise RequestRefused([Problem("already_cancelled")])
    require_staff_not_inhabil(booking.case_id, user)
    check_association_may_cancel(booking.association_id, [booking], clock.now())
    cancel([booking], kind="association", user=user, association_id=booking.association_id,
           case_id=booking.case_id)
    journal_cancellation(booking.case_id, user, f"Foreningen aflyste tiden {when_span(booking.starts_at, booking.ends_at)}.")
    notify_cancelled(booking.association, [booking], by_municipality=False)
    return booking


@use_case
def cancel_booking_by_municipality(booking_id: int, user: User, reason: str) -> Booking:
    """The municipality cancels one date; the reason goes to the association and the journal."""
    reason = (reason or "").strip()
    if not reason:
        raise RequestRefused([Problem("reason_required")])
    booking = db.session.get(Booking, booking_id, with_for_update=True)
    if booking.status == "cancelled":
        raise RequestRefused([Problem("already_cancelled")])
    require_staff_not_inhabil(booking.case_id, user)
    cancel([booking], kind="municipality", user=user, association_id=booking.association_id,
           case_id=booking.case_id, reason=reason)
    journal_cancellation(booking.case_id, user,
                         f"Kommunen aflyste tiden {when_span(booking.starts_at, booking.ends_at)}: {reason}")
    notify_cancelled(booking.association, [booking], reason=reason, by_municipality=True)
    return booking


def association_overview(association_ids: list[int]) -> tuple[list[Booking], list[Case]]:
    """The associations' coming confirmed bookings (up to 500) and their latest premises cases."""
    if not association_ids:
        return [], []
    coming = active_bookings(Booking.association_id.in_(association_ids), Booking.status == "confirmed",
                             Booking.ends_at > clock.now(), limit=500)
    cases = list(db.session.scalars(db.select(Case).where(
        Case.association_id.in_(association_ids), Case.workflow == registry.PREMISES_LOAN)
        .order_by(Case.created_at.desc(), Case.id.desc()).limit(50)))
    return coming, cases


def waiting_requests(limit: int = 200) -> list[tuple[Case, BookingRequest]]:
    """Requests a caseworker must decide, oldest first."""
    rows = db.session.execute(
        db.select(Case, BookingRequest).join(BookingRequest, BookingRequest.case_id == Case.id)
        .where(Case.workflow == registry.PREMISES_LOAN, Case.state.in_(registry.states_tagged(
            "awaiting_caseworker", "information_requested", workflow=registry.PREMISES_LOAN)))
        .options(db.joinedload(Case.association), db.joinedload(BookingRequest.space).joinedload(Space.location))
        .order_by(Case.submitted_at, Case.id).limit(limit))
    return [(case, request) for case, request in rows]

"""Seasonal allocation (sæsonfordeling): wishes, the law's order, reserved series, committee, publication."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from app import clock
from app.extensions import db
from app.models import AllocationRound, AllocationWish, Association, Booking, Case, Space, User
from app.services.cases import core as case_service, transitions
from app.services.cases.guard import require_not_inhabil_in
from app.services.premises import priority, rules
from app.services.premises.booking_notices import notify_allocation
from app.services.premises.bookings import RequestRefused, premises_pool
from app.services.premises.cancellations import cancel
from app.services.premises.catalogue import applicant_facts, parents_map, space_facts
from app.services.premises.occupancy import find_collisions, insert_bookings
from app.services.premises.recurrence import SeriesError, weekly_in_period
from app.services.premises.rules import Problem
from app.services.unit_of_work import flush, use_case
from workflows import registry


def _premises_states(*tags: str) -> tuple[str, ...]:
    return registry.states_tagged(*tags, workflow=registry.PREMISES_LOAN)


def _sent_states() -> tuple[str, ...]:
    """A round case counts once sent: waiting for the caseworker or the committee, booked or refused."""
    return _premises_states("awaiting_caseworker", "awaiting_committee", "booked", "refused")


@dataclass(frozen=True)
class WishInput:
    """What the association typed for one weekly wish."""

    space_id: int
    weekday: int
    start_time: time
    end_time: time
    participants: int
    age_group: str
    for_disabled: bool = False
    priority: int = 1
    note: str = ""


@use_case
def create_round(name: str, opens_on: date, closes_on: date, season_start: date, season_end: date) -> AllocationRound:
    """Open a round for wishes; its committee is the premises pool's."""
    pool = premises_pool()
    if pool is None:
        raise RequestRefused([Problem("no_pool")])
    rnd = AllocationRound(name=name, pool_id=pool.id, opens_on=opens_on, closes_on=closes_on,
                          season_start=season_start, season_end=season_end)
    db.session.add(rnd)
    flush()  # the caller shows the new round by its id
    return rnd


def rounds(*statuses: str) -> list[AllocationRound]:
    """Rounds, newest season first."""
    stmt = db.select(AllocationRound).order_by(AllocationRound.season_start.desc(), AllocationRound.id.desc())
    return list(db.session.scalars(stmt.where(AllocationRound.status.in_(statuses)) if statuses else stmt))


def season_case(rnd: AllocationRound, association: Association) -> Case | None:
    """The association's case for the round, if it has one."""
    cases = db.session.scalars(db.select(Case).where(
        Case.association_id == association.id, Case.workflow == registry.PREMISES_LOAN,
        ~Case.state_has("abandoned")))
    return next((c for c in cases if (c.data or {}).get("round_id") == rnd.id), None)


def _wish_problems(rnd: AllocationRound, association: Association, space: Space, data: WishInput) -> list[Problem]:
    if rnd.status != "open" or not rnd.opens_on <= clock.today() <= rnd.closes_on:
        return [Problem("window_closed")]
    try:
        slots = weekly_in_period(data.weekday, data.start_time, data.end_time, rnd.season_start, rnd.season_end)
    except SeriesError as exc:
        return [Problem(exc.code)]
    facts = space_facts(space)
    problems = rules.applicant_problems(facts, applicant_facts(association, rnd.opens_on.year))
    problems += [p for p in (rules.capacity_problem(facts, data.participants),) if p]
    return problems + rules.hours_problems(facts, slots[:1])


@use_case
def add_wish(rnd: AllocationRound, association: Association, user: User, data: WishInput) -> AllocationWish:
    """Record a wish in the association's draft case for the round (created on the first wish)."""
    space = db.session.get(Space, data.space_id)
    problems = _wish_problems(rnd, association, space, data)
    case = season_case(rnd, association)
    if case is not None and not case.state_has("draft"):
        problems.append(Problem("round_locked"))
    if problems:
        raise RequestRefused(problems)
    if case is None:
        case = case_service.create_draft(rnd.pool, association, user, f"Sæsonfordeling: {rnd.name}"[:300],
                                         data={"seasonal": True, "round_id": rnd.id})
    wish = AllocationWish(round_id=rnd.id, case_id=case.id, association_id=association.id, space_id=space.id,
                          weekday=data.weekday, start_time=data.start_time, end_time=data.end_time,
                          participants=data.participants, age_group=data.age_group, for_disabled=data.for_disabled,
                          priority=data.priority, note=data.note[:2000])
    db.session.add(wish)
    return wish


@use_case
def remove_wish(wish: AllocationWish) -> None:
    """Take a wish out while the association's case is still a draft."""
    if not db.session.get(Case, wish.case_id).state_has("draft"):
        raise RequestRefused([Problem("round_locked")])
    db.session.delete(wish)


@use_case
def submit_wishes(rnd: AllocationRound, association: Association, user: User) -> Case:
    """Send the association's wishes to the municipality (the case's submit action)."""
    case = season_case(rnd, association)
    if case is None or rnd.status != "open" or clock.today() > rnd.closes_on:
        raise RequestRefused([Problem("window_closed")])
    transitions.perform(case.id, "submit", user)
    return case


def case_wishes(case_id: int) -> list[AllocationWish]:
    """An association's wishes in its round case, in its own priority order."""
    return list(db.session.scalars(db.select(AllocationWish).where(AllocationWish.case_id == case_id)
                                   .options(db.joinedload(AllocationWish.space).joinedload(Space.location))
                                   .order_by(AllocationWish.priority, AllocationWish.id)))


def round_wishes(rnd: AllocationRound, states: tuple[str, ...] | None = None) -> list[AllocationWish]:
    """Wishes in the round whose case has been sent (and is in one of `states`, when given)."""
    states = _sent_states() if states is None else states
    return list(db.session.scalars(
        db.select(AllocationWish).join(Case, Case.id == AllocationWish.case_id)
        .where(AllocationWish.round_id == rnd.id, Case.state.in_(states))
        .options(db.joinedload(AllocationWish.space).joinedload(Space.location),
                 db.joinedload(AllocationWish.association).selectinload(Association.approvals))
        .order_by(AllocationWish.id)))


def ordered(wishes: list[AllocationWish], year: int) -> list[AllocationWish]:
    """The wishes in the law's priority order."""
    by_id = {w.id: w for w in wishes}
    facts = [priority.WishFacts(w.id, w.age_group, w.for_disabled, w.space.disabled_suited,
                                w.association.approved_for(year), w.priority, w.id) for w in wishes]
    return [by_id[f.wish_id] for f in priority.in_priority_order(facts)]


@dataclass
class GridEntry:
    """One wish in the allocation grid, with its rank and the wishes it collides with."""

    wish: AllocationWish
    rank: int
    conflicts: list[AllocationWish]


def allocation_grid(rnd: AllocationRound) -> list[tuple[Space, list[list[GridEntry]]]]:
    """Per space, seven weekday columns of wishes in priority order, each with its conflicts."""
    wishes = ordered(round_wishes(rnd), rnd.opens_on.year)
    parents: dict[int, int | None] = {}
    for location_id in {w.space.location_id for w in wishes}:
        parents.update(parents_map(location_id))
    times = [priority.WishTime(w.id, w.space_id, w.weekday, w.start_time, w.end_time) for w in wishes]
    clashes, by_id = priority.wish_conflicts(times, parents), {w.id: w for w in wishes}
    grid: dict[int, tuple[Space, list[list[GridEntry]]]] = {}
    for rank, wish in enumerate(wishes, start=1):
        _, days = grid.setdefault(wish.space_id, (wish.space, [[] for _ in range(7)]))
        days[wish.weekday].append(GridEntry(wish, rank, [by_id[i] for i in sorted(clashes[wish.id])]))
    return sorted(grid.values(), key=lambda item: (item[0].location.name, item[0].name))


@use_case
def allocate(rnd: AllocationRound, user: User) -> None:
    """Give each wish, in priority order, the season's free dates as reserved bookings (re-runnable)."""
    if rnd.status not in ("open", "allocated"):
        raise RequestRefused([Problem("round_locked")])
    wishes = ordered(round_wishes(rnd, _premises_states("awaiting_caseworker")), rnd.opens_on.year)
    require_not_inhabil_in({w.case_id for w in wishes if w.case_id}, user)
    earlier = db.session.scalars(db.select(Booking).where(Booking.wish_id.in_([w.id for w in wishes]),
                                                          Booking.status == "reserved")).all()
    cancel(earlier, kind="system", user=None, association_id=None, case_id=None, reason="Ny fordeling")
    for wish in wishes:
        _allocate_one(rnd, wish)
    rnd.status = "allocated"


def _allocate_one(rnd: AllocationRound, wish: AllocationWish) -> None:
    space = wish.space
    parents = parents_map(space.location_id)
    first = max(rnd.season_start, clock.today())
    slots = weekly_in_period(wish.weekday, wish.start_time, wish.end_time, first, rnd.season_end)
    closed = rules.closed_slots(space_facts(space), slots)
    taken = {c.slot for c in find_collisions(space, slots, parents)}
    free = [s for s in slots if s not in closed and s not in taken]
    wish.dates_total, wish.dates_allocated = len(slots), len(free)
    wish.status = "allocated" if free else "declined"
    if free:
        insert_bookings(space, free, title=f"{rnd.name}: {wish.association.name}", association_id=wish.association_id,
                        case_id=wish.case_id, wish_id=wish.id, status="reserved", parents=parents)


def round_cases(rnd: AllocationRound) -> list[Case]:
    """The round's sent cases (one per association)."""
    ids = {w.case_id for w in round_wishes(rnd)}
    return list(db.session.scalars(db.select(Case).where(Case.id.in_(ids)).options(db.joinedload(Case.association))
                                   .order_by(Case.id))) if ids else []


@use_case
def send_to_committee(rnd: AllocationRound, user: User, hearing_confirmed: bool) -> None:
    """Put every association's allocation before the committee (send_to_committee on each case), all or none."""
    if rnd.status != "allocated":
        raise RequestRefused([Problem("round_locked")])
    waiting = [c for c in round_cases(rnd) if c.state_has("awaiting_caseworker")]
    require_not_inhabil_in({c.id for c in waiting}, user)
    if hearing_confirmed:
        for case in waiting:
            case.hearing_confirmed = True
        flush()  # perform reloads each case from the database (populate_existing): it must see the confirmation
    for case in waiting:
        transitions.perform(case.id, "send_to_committee", user)
    rnd.status = "committee"


@use_case
def publish(rnd: AllocationRound, user: User) -> int:
    """After the committee: free what was not approved, tell every association, open the rest to all."""
    cases = round_cases(rnd)
    if rnd.status != "committee" or any(c.state_has("awaiting_committee") for c in cases):
        raise RequestRefused([Problem("round_locked")])
    require_not_inhabil_in({c.id for c in cases}, user)
    for case in cases:
        reserved = db.session.scalars(db.select(Booking).where(Booking.case_id == case.id,
                                                               Booking.status == "reserved")).all()
        if not case.state_has("booked"):
            cancel(reserved, kind="system", user=None, association_id=case.association_id, case_id=case.id,
                   reason="Ikke godkendt af udvalget")
        confirmed = db.session.scalars(db.select(Booking).where(Booking.case_id == case.id,
                                                                Booking.status == "confirmed")
                                       .order_by(Booking.starts_at)).all()
        notify_allocation(case.association, confirmed, rnd.name)
    rnd.status, rnd.published_at = "published", clock.now()
    return len(cases)

"""No double booking, ever: find collisions, write bookings with their occupancy rows, release them.

PostgreSQL: the exclusion constraint on booking_occupancies refuses an overlapping active hold, even
between two transactions that both passed the friendly pre-check. SQLite: the first INSERT takes the
database's single write lock, so the check made after it sees every committed booking.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, cast, func, literal, literal_column, or_, update
from sqlalchemy.dialects.postgresql import TSTZMULTIRANGE
from sqlalchemy.exc import IntegrityError, OperationalError

from app.extensions import db
from app.models import Booking, BookingCancellation, BookingOccupancy, Space
from app.services.premises import tree
from app.services.premises.catalogue import parents_map
from app.services.premises.messages import when
from app.services.premises.recurrence import Slot
from workflows import N_, TransitionNotAllowed

EXCLUSION_VIOLATION = "23P01"
DEADLOCK_DETECTED = "40P01"


@dataclass(frozen=True)
class Collision:
    """A requested slot and the taken time it overlaps."""

    slot: Slot
    starts_at: datetime
    ends_at: datetime


class BookingConflict(TransitionNotAllowed):
    """The times are taken. Raised inside the unit of work, which the use case then rolls back: nothing is half-saved.

    A TransitionNotAllowed, so an approval on a case page that meets a taken time is refused with
    this message like any other refused action.
    """

    def __init__(self, collisions: Sequence[Collision]) -> None:
        self.collisions = list(collisions)
        taken = sorted({(c.starts_at, c.ends_at) for c in self.collisions})
        super().__init__(N_("Tiden er optaget: %(when)s."),
                         when="; ".join(when(Slot(a, b)) for a, b in taken[:10]) or "–")

    @property
    def slots(self) -> list[Slot]:
        return sorted({c.slot for c in self.collisions})


def _overlap(lo: datetime, hi: datetime):
    if db.session.get_bind().dialect.name == "postgresql":
        # Written exactly as the exclusion constraint's expression so its GiST index serves the query.
        bounds = literal_column("'[)'")
        return func.tstzrange(BookingOccupancy.starts_at, BookingOccupancy.ends_at, bounds).op("&&")(
            func.tstzrange(lo, hi, bounds))
    return and_(BookingOccupancy.starts_at < hi, BookingOccupancy.ends_at > lo)


def _overlap_any(slots: Sequence[Slot]):
    """Holds overlapping one of the slots. On PostgreSQL one multirange, so a weekly series reads the holds in its
    own hours through the GiST index, not every hold between its first and its last date."""
    if db.session.get_bind().dialect.name != "postgresql":
        return _overlap(min(s.starts_at for s in slots), max(s.ends_at for s in slots))  # checked per slot after
    wanted = "{" + ",".join(f'["{s.starts_at.isoformat()}","{s.ends_at.isoformat()}")' for s in slots) + "}"
    return func.tstzrange(BookingOccupancy.starts_at, BookingOccupancy.ends_at, literal_column("'[)'")).op("&&")(
        cast(literal(wanted, String), TSTZMULTIRANGE))


def _holds_blocking(space_id: int, parents: dict[int, int | None]) -> list:
    # A booking of the space conflicts with any hold on the space itself (every booking of an enclosing or
    # enclosed space leaves one there) and with full holds on the spaces around it.
    ancestors = tree.ancestors(parents, space_id)
    where_space = or_(BookingOccupancy.space_id == space_id,
                      *[and_(BookingOccupancy.space_id == a, BookingOccupancy.part_id.is_(None)) for a in ancestors])
    return [where_space, BookingOccupancy.active]


def _blocking(space_id: int, parents: dict[int, int | None], lo: datetime, hi: datetime) -> list:
    return [*_holds_blocking(space_id, parents), _overlap(lo, hi)]


def _taken(where: list, exclude_booking_ids: Iterable[int]) -> list[tuple[datetime, datetime]]:
    """The (start, end) of the active holds matching `where`, except those of the excluded bookings."""
    stmt = db.select(BookingOccupancy.starts_at, BookingOccupancy.ends_at).where(*where)
    excluded = list(exclude_booking_ids)
    if excluded:
        stmt = stmt.where(BookingOccupancy.booking_id.not_in(excluded))
    return sorted(set(db.session.execute(stmt).tuples()))


def blocking_bookings(space: Space, lo: datetime, hi: datetime) -> list[Booking]:
    """The active bookings (of this space or one around or inside it) that take time between lo and hi."""
    ids = db.select(BookingOccupancy.booking_id).where(*_blocking(space.id, parents_map(space.location_id), lo, hi))
    return active_bookings(Booking.id.in_(ids))


def find_collisions(space: Space, slots: Sequence[Slot], parents: dict[int, int | None] | None = None,
                    exclude_booking_ids: Iterable[int] = ()) -> list[Collision]:
    """Every requested slot that overlaps a taken time, with that time."""
    if not slots:
        return []
    parents = parents if parents is not None else parents_map(space.location_id)
    taken = _taken([*_holds_blocking(space.id, parents), _overlap_any(slots)], exclude_booking_ids)
    return [Collision(slot, a, b) for slot in sorted(slots) for a, b in taken if slot.overlaps(a, b)]


def insert_bookings(space: Space, slots: Sequence[Slot], *, title: str, association_id: int | None,
                    case_id: int | None = None, wish_id: int | None = None, status: str = "confirmed",
                    parents: dict[int, int | None] | None = None) -> list[Booking]:
    """Write the bookings and their holds, or raise BookingConflict naming the taken times (the unit is then void)."""
    parents = parents if parents is not None else parents_map(space.location_id)
    collisions = find_collisions(space, slots, parents)
    if collisions:
        raise BookingConflict(collisions)
    bookings = [Booking(space_id=space.id, association_id=association_id, case_id=case_id, wish_id=wish_id,
                        title=title[:300], starts_at=s.starts_at, ends_at=s.ends_at, status=status) for s in slots]
    postgres = db.session.get_bind().dialect.name == "postgresql"
    try:
        # The exclusion constraint may refuse the holds: a savepoint keeps the transaction usable to name the taken
        # times (SQLite has no such constraint, and pysqlite's savepoints are unreliable).
        with db.session.begin_nested() if postgres else nullcontext():
            db.session.add_all(bookings)
            db.session.flush()
            db.session.add_all([BookingOccupancy(booking_id=b.id, space_id=held, part_id=part, starts_at=b.starts_at,
                                                 ends_at=b.ends_at)
                                for b in bookings for held, part in tree.holds(parents, space.id)])
            db.session.flush()
    except (IntegrityError, OperationalError) as exc:
        # Checking the exclusion constraint against rows not yet committed can deadlock two inserters: PostgreSQL
        # then aborts one of them, which lost the race as surely as by the violation itself.
        if getattr(exc.orig, "sqlstate", None) not in (EXCLUSION_VIOLATION, DEADLOCK_DETECTED):
            raise
        # Another transaction won the race after our pre-check.
        raise BookingConflict(find_collisions(space, slots, parents) or [Collision(slots[0], slots[0].starts_at,
                                                                                      slots[0].ends_at)]) from exc
    if not postgres:
        late = find_collisions(space, slots, parents, exclude_booking_ids=[b.id for b in bookings])
        if late:
            raise BookingConflict(late)
    return bookings


def release(bookings: Sequence[Booking], cancellation: BookingCancellation | None) -> int:
    """Cancel bookings and free their holds; returns how many were active."""
    active = [b for b in bookings if b.status != "cancelled"]
    if not active:
        return 0
    if cancellation is not None:
        db.session.add(cancellation)
        db.session.flush()
    for booking in active:
        booking.status = "cancelled"
        booking.cancellation_id = cancellation.id if cancellation is not None else None
    db.session.execute(update(BookingOccupancy).where(BookingOccupancy.booking_id.in_([b.id for b in active]))
                       .values(active=False))
    return len(active)


def active_bookings(*where: object, limit: int | None = None) -> list[Booking]:
    """Active bookings matching `where`, soonest first."""
    stmt = (db.select(Booking).where(Booking.status != "cancelled", *where)
            .options(db.joinedload(Booking.space).joinedload(Space.location), db.joinedload(Booking.association))
            .order_by(Booking.starts_at, Booking.id))
    return list(db.session.scalars(stmt.limit(limit) if limit else stmt))

"""The premises_loan workflow's effects `create_bookings` and `release_bookings` (run inside perform)."""
from __future__ import annotations

from app import clock
from app.extensions import db
from app.models import Booking, BookingRequest, Case, User
from app.services.integrations import events
from app.services.premises.booking_notices import notify_booked, notify_cancelled
from app.services.premises.cancellations import cancel, check_association_may_cancel
from app.services.premises.occupancy import insert_bookings
from app.services.premises.recurrence import Slot


def request_for_case(case_id: int) -> BookingRequest | None:
    """The booking request behind a (non-seasonal) premises case."""
    return db.session.scalar(db.select(BookingRequest).where(BookingRequest.case_id == case_id)
                             .options(db.selectinload(BookingRequest.slots), db.joinedload(BookingRequest.space)))


def case_bookings(case_id: int, *, status: tuple[str, ...] = ("reserved", "confirmed")) -> list[Booking]:
    """The case's bookings in the given statuses, soonest first."""
    return list(db.session.scalars(db.select(Booking).where(Booking.case_id == case_id, Booking.status.in_(status))
                                   .order_by(Booking.starts_at, Booking.id)))


def create_bookings(case: Case, user: User, given: object) -> None:
    """Approve: book the requested dates (all, or the selected ones when partly approved).

    Seasonal cases already hold reserved bookings from the allocation; the decision confirms them.
    A taken time raises BookingConflict, which refuses the whole action and changes nothing.
    """
    if (case.data or {}).get("seasonal"):
        bookings = case_bookings(case.id, status=("reserved",))
        for booking in bookings:
            booking.status = "confirmed"
    else:
        request = request_for_case(case.id)
        if request is None:
            return
        chosen = request.slots if case.state_has("granted_in_full") else [s for s in request.slots if s.selected]
        bookings = insert_bookings(request.space, [Slot(s.starts_at, s.ends_at) for s in chosen],
                                   title=case.title, association_id=case.association_id, case_id=case.id)
    events.on_bookings_confirmed(case.id, [b.id for b in bookings], [b.space_id for b in bookings])
    notify_booked(case.association, bookings, case)


def release_bookings(case: Case, user: User, given: object) -> None:
    """Cancel the case's coming bookings; the association only within the space's cancellation rules."""
    now = clock.now()
    coming = [b for b in case_bookings(case.id) if b.starts_at > now]
    by_association = user.role == "member"
    if by_association:
        check_association_may_cancel(case.association_id, coming, now)
    reason = (getattr(given, "reason", None) or getattr(given, "comment", None) or "").strip()
    released = cancel(coming, kind="association" if by_association else "municipality", user=user,
                      association_id=case.association_id, case_id=case.id, reason=reason)
    notify_cancelled(case.association, released, reason=reason, by_municipality=not by_association, case=case)

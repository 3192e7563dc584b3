"""Cancelling bookings: by the association within the space's rules, by the municipality with a reason."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timezone
from itertools import groupby

from flask import current_app
from sqlalchemy import func

from app import clock
from app.extensions import db
from app.models import Booking, BookingCancellation, CaseEvent, User
from app.services.premises.messages import MESSAGES, format_params
from app.services.premises.occupancy import release
from app.services.premises.rules import Problem, cancellation_problem, season_bounds
from workflows import TransitionNotAllowed


class CancellationRefused(TransitionNotAllowed):
    """The space's rules do not allow the association to cancel; the use case rolls its unit of work back."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(MESSAGES[problem.code], **format_params(problem.params))


def _season_start_utc(now: datetime) -> datetime:
    start, _ = season_bounds(clock.local(now).date(), current_app.config.get("PREMISES_SEASON_START_MONTH", 8))
    return datetime.combine(start, time(0), tzinfo=clock.TZ).astimezone(timezone.utc)


def used_cancellations(association_id: int, space_id: int, now: datetime) -> int:
    """How many times the association has cancelled in the space this season."""
    return db.session.scalar(db.select(func.count()).select_from(BookingCancellation).where(
        BookingCancellation.association_id == association_id, BookingCancellation.space_id == space_id,
        BookingCancellation.kind == "association", BookingCancellation.created_at >= _season_start_utc(now)))


def check_association_may_cancel(association_id: int, bookings: Sequence[Booking], now: datetime) -> None:
    """Raise CancellationRefused when a booking is too close or the limit is used up."""
    for space_id, group in groupby(sorted(bookings, key=lambda b: (b.space_id, b.starts_at)), key=lambda b: b.space_id):
        group = list(group)
        space = group[0].space
        used = used_cancellations(association_id, space_id, now) if space.max_cancellations is not None else 0
        for booking in group:
            problem = cancellation_problem(booking.starts_at, now, space.cancel_deadline_hours, used,
                                           space.max_cancellations)
            if problem is not None:
                raise CancellationRefused(problem)


def cancel(bookings: Sequence[Booking], *, kind: str, user: User | None, association_id: int | None,
           case_id: int | None, reason: str = "") -> list[Booking]:
    """Release the bookings, one cancellation record per space; returns the bookings that were active."""
    released: list[Booking] = []
    active = sorted((b for b in bookings if b.status != "cancelled"), key=lambda b: (b.space_id, b.starts_at))
    for space_id, group in groupby(active, key=lambda b: b.space_id):
        group = list(group)
        record = BookingCancellation(association_id=association_id, space_id=space_id, case_id=case_id, kind=kind,
                                     reason=reason[:5000], created_by_id=user.id if user else None)
        release(group, record)
        released.extend(group)
    return released


def journal_cancellation(case_id: int | None, user: User | None, text: str) -> None:
    """A note in the case's journal (offentlighedsloven: the case file shows what happened)."""
    if case_id is not None:
        db.session.add(CaseEvent(case_id=case_id, actor_id=user.id if user else None, kind="booking_cancelled",
                                 comment=text[:5000], visibility="public"))

"""Booking notices, written to the outbox in the caller's unit of work; confirmations carry an .ics."""
from __future__ import annotations

from collections.abc import Sequence

from flask import current_app

from app.models import Association, Booking, Case
from app.services.delivery import outbox
from app.services.delivery.links import public_base_url
from app.services.premises.ical import ics_for_booking
from app.services.premises.messages import when_span

MAX_LINES = 60


def _lines(bookings: Sequence[Booking]) -> list[str]:
    lines = [f"{when_span(b.starts_at, b.ends_at)} – {b.space.name}, {b.space.location.name}" for b in bookings]
    return lines[:MAX_LINES] + ([f"… (+{len(lines) - MAX_LINES})"] if len(lines) > MAX_LINES else [])


def _payload(association: Association, bookings: Sequence[Booking], case: Case | None) -> dict:
    base = public_base_url()
    return {"association": association.name, "case_number": (case.number if case else "") or "",
            "times": _lines(bookings), "count": len(bookings), "link": f"{base}/lokaler/mine",
            "ics": ics_for_booking(bookings)}


def notify_booked(association: Association, bookings: Sequence[Booking], case: Case | None = None) -> None:
    """Tell the association which times it has; the .ics lets it add them to its calendar."""
    if bookings:
        outbox.enqueue("booking_confirmed", association.contact_email, _payload(association, bookings, case))


def notify_cancelled(association: Association | None, bookings: Sequence[Booking], *, reason: str = "",
                     by_municipality: bool, case: Case | None = None) -> None:
    """Tell the association (and the department when the association cancelled) which times are freed."""
    if not bookings or association is None:
        return
    payload = {**_payload(association, bookings, case), "reason": reason, "by_municipality": by_municipality}
    outbox.enqueue("booking_cancelled", association.contact_email, payload)
    if not by_municipality:
        outbox.enqueue("booking_cancelled", current_app.config["MUNICIPALITY_EMAIL"], payload)


def notify_allocation(association: Association, bookings: Sequence[Booking], round_name: str) -> None:
    """The published result of a seasonal round for one association."""
    payload = {**_payload(association, bookings, None), "round": round_name}
    if not bookings:
        payload["ics"] = ""
    outbox.enqueue("allocation_published", association.contact_email, payload)

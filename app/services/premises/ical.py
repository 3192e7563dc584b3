"""iCalendar: the .ics attached to booking e-mails and the private feeds calendar programs subscribe to."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from typing import TYPE_CHECKING

from flask import current_app

from app import clock
from app.extensions import db
from app.models import Association, Booking, CalendarFeed, Space
from app.services.premises.occupancy import active_bookings

if TYPE_CHECKING:  # icalendar is imported where a calendar is built, not on every process's start
    from icalendar import Event

PRODID = "-//Foreningsstotte//Lokaler//DA"
FEED_PAST = timedelta(days=90)
FEED_FUTURE = timedelta(days=400)
FEED_LIMIT = 5000
ICAL_STATUS = {"reserved": "TENTATIVE", "confirmed": "CONFIRMED", "cancelled": "CANCELLED"}


def _uid(booking: Booking) -> str:
    host = current_app.config["PUBLIC_BASE_URL"].split("//")[-1].split("/")[0].split(":")[0] or "foreningsstotte"
    return f"booking-{booking.id}@{host}"


def booking_event(booking: Booking, *, show_association: bool) -> Event:
    """One VEVENT; a cancelled booking keeps its UID so calendar programs remove it."""
    space, location = booking.space, booking.space.location
    from icalendar import Event
    event = Event()
    event.add("uid", _uid(booking))
    event.add("dtstamp", clock.now())
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    who = f" – {booking.association.name}" if show_association and booking.association else ""
    event.add("summary", f"{space.name}{who}")
    event.add("location", ", ".join(p for p in (space.name, location.name, location.address) if p))
    event.add("description", booking.title)
    event.add("status", ICAL_STATUS[booking.status])
    event.add("sequence", 1 if booking.status == "cancelled" else 0)
    return event


def to_calendar(name: str, bookings: Sequence[Booking], *, show_association: bool) -> bytes:
    """A VCALENDAR with one event per booking."""
    from icalendar import Calendar
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Copenhagen")
    for booking in bookings:
        cal.add_component(booking_event(booking, show_association=show_association))
    return cal.to_ical()


def ics_for_booking(bookings: Sequence[Booking], name: str | None = None) -> str:
    """The .ics text for a confirmation or cancellation e-mail (cancelled bookings carry STATUS:CANCELLED)."""
    title = name or (bookings[0].space.name if bookings else "Booking")
    return to_calendar(title, bookings, show_association=False).decode("utf-8")


def feed_calendar(feed: CalendarFeed) -> bytes:
    """The bookings a private feed shows: an association's own, or everything in a space."""
    now = clock.now()
    window = (Booking.ends_at > now - FEED_PAST, Booking.starts_at < now + FEED_FUTURE)
    if feed.association_id is not None:
        association = db.session.get(Association, feed.association_id)
        # A seasonal allocation the committee has not yet decided is not the association's yet.
        bookings = active_bookings(Booking.association_id == feed.association_id, Booking.status == "confirmed",
                                   *window, limit=FEED_LIMIT)
        return to_calendar(f"{association.name} – lokaler", bookings, show_association=False)
    space = db.session.get(Space, feed.space_id)
    bookings = active_bookings(Booking.space_id == feed.space_id, *window, limit=FEED_LIMIT)
    return to_calendar(f"{space.name} – {space.location.name}", bookings, show_association=True)

"""Calendar feeds and the .ics for booking e-mails parse with icalendar and carry the right events."""
from datetime import time, timedelta

import sqlalchemy as sa
from icalendar import Calendar

from app.extensions import db
from app.models import Booking
from app.services.premises import bookings
from app.services.cases import transitions
from app.services.premises import catalogue
from app.services.premises.ical import ics_for_booking
from tests.premises.helpers import next_weekday


def _approved_series(world, weeks=3):
    first = next_weekday(1)
    case = bookings.request_booking(world["member"], bookings.RequestInput(
        space_id=world["room"].id, association_id=world["club"].id, purpose="Træning", participants=10,
        age_group="children_youth", first_day=first, start_time=time(18), end_time=time(20), recurrence="weekly",
        until=first + timedelta(weeks=weeks - 1)))
    transitions.perform(case.id, "approve", world["caseworker"])
    return db.session.scalars(sa.select(Booking).where(Booking.case_id == case.id).order_by(Booking.starts_at)).all()


def _events(data):
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_association_feed_has_its_bookings(world, client):
    booked = _approved_series(world)
    feed = catalogue.feed_for(association_id=world["club"].id)
    resp = client.get(f"/lokaler/kalender/{feed.token}.ics")
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    events = _events(resp.data)
    assert [e.decoded("dtstart") for e in events] == [b.starts_at for b in booked]
    assert all(e.decoded("dtend") - e.decoded("dtstart") == timedelta(hours=2) for e in events)
    assert {str(e["summary"]) for e in events} == {"Mødelokale A"}
    assert {str(e["status"]) for e in events} == {"CONFIRMED"}
    assert "Skolen" in str(events[0]["location"])


def test_space_feed_names_the_associations_and_drops_cancelled(world, client):
    booked = _approved_series(world)
    bookings.cancel_booking_by_municipality(booked[0].id, world["caseworker"], "Valg")
    feed = catalogue.feed_for(space_id=world["room"].id)
    events = _events(client.get(f"/lokaler/kalender/{feed.token}.ics").data)
    assert len(events) == 2 and {str(e["summary"]) for e in events} == {"Mødelokale A – Boldklubben"}


def test_renewed_token_replaces_the_old_address(world, client):
    feed = catalogue.feed_for(association_id=world["club"].id)
    old = feed.token
    catalogue.renew_feed(feed)
    assert client.get(f"/lokaler/kalender/{old}.ics").status_code == 404
    assert client.get(f"/lokaler/kalender/{feed.token}.ics").status_code == 200


def test_wrong_token_is_404(client, world):
    catalogue.feed_for(association_id=world["club"].id)
    assert client.get("/lokaler/kalender/gaet-et-token.ics").status_code == 404
    assert client.get(f"/lokaler/kalender/{'x' * 200}.ics").status_code == 404


def test_ics_for_booking_in_the_confirmation(world):
    booked = _approved_series(world, 2)
    events = _events(ics_for_booking(booked).encode())
    assert [e.decoded("dtstart") for e in events] == [b.starts_at for b in booked]
    assert len({str(e["uid"]) for e in events}) == 2
    booked[0].status = "cancelled"
    assert str(_events(ics_for_booking(booked[:1]).encode())[0]["status"]) == "CANCELLED"
    db.session.rollback()

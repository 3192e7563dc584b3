"""Booking e-mails carry the .ics as an attachment a calendar program can read."""
from icalendar import Calendar

from app.extensions import db
from app.models import OutboxMessage
from app.services.delivery.mail import render_notice

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//\r\nBEGIN:VEVENT\r\nUID:1@test\r\n" \
      "DTSTART:20261006T160000Z\r\nDTEND:20261006T180000Z\r\nSUMMARY:Store hal\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


def test_booking_notice_has_calendar_attachment(app):
    msg = OutboxMessage(template="booking_confirmed", recipient="a@example.dk", locale="da",
                        payload={"association": "Boldklubben", "ics": ICS})
    db.session.add(msg)
    db.session.flush()
    email = render_notice(msg)
    [part] = [p for p in email.iter_attachments()]
    assert part.get_content_type() == "text/calendar" and part.get_filename() == "booking.ics"
    events = Calendar.from_ical(part.get_content()).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Store hal"]

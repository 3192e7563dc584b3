"""Booking requests as premises_loan cases: rules, collisions, decisions, auto-approval, cancellation, notices."""
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import (ApiEvent, Booking, BookingCancellation, BookingRequest, Case, CaseEvent, Closure, Decision, OutboxMessage,
                        User)
from app.services.premises import allocation, bookings
from app.services.cases import transitions
from app.services.premises.occupancy import BookingConflict, insert_bookings
from tests.premises.helpers import next_weekday, slot


def _input(world, space=None, **kw):
    data = dict(space_id=(space or world["room"]).id, association_id=world["club"].id, purpose="Bestyrelsesmøde",
                participants=10, age_group="adults", first_day=next_weekday(1), start_time=time(18),
                end_time=time(20))
    data.update(kw)
    return bookings.RequestInput(**data)


def _weekly(world, weeks=6, **kw):
    first = next_weekday(1)
    return _input(world, recurrence="weekly", first_day=first, until=first + timedelta(weeks=weeks - 1), **kw)


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _templates():
    return sorted(db.session.scalars(sa.select(OutboxMessage.template)))


def test_request_becomes_a_submitted_case_with_its_dates(world):
    case = bookings.request_booking(world["member"], _weekly(world, 4))
    assert (case.workflow, case.state, case.pool_id) == ("premises_loan", "requested", world["pool"].id)
    assert case.number and case.data["space_id"] == world["room"].id
    request = db.session.scalar(sa.select(BookingRequest).where(BookingRequest.case_id == case.id))
    assert len(request.slots) == 4 and all(s.selected for s in request.slots)
    [event] = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert (event.action, event.to_state) == ("submit", "requested")
    assert _templates() == ["case_update", "case_update_staff"]
    assert _count(Booking) == 0  # nothing is booked before a decision


def test_caseworker_approves_and_the_dates_are_booked_with_an_ics_notice(world):
    case = bookings.request_booking(world["member"], _weekly(world, 3))
    transitions.perform(case.id, "approve", world["caseworker"])
    booked = db.session.scalars(sa.select(Booking).where(Booking.case_id == case.id)).all()
    assert len(booked) == 3 and {b.status for b in booked} == {"confirmed"}
    assert db.session.get(Case, case.id).state == "approved"
    [notice] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "booking_confirmed")).all()
    assert notice.recipient == world["club"].contact_email and notice.status == "delivered", notice.last_error
    assert notice.payload["ics"].count("BEGIN:VEVENT") == 3 and len(notice.payload["times"]) == 3
    assert _count(Decision, Decision.case_id == case.id, Decision.outcome == "approved") == 1


def test_partly_colliding_series_offers_the_free_dates(world):
    request = _weekly(world, 5)
    taken_days = [request.first_day + timedelta(weeks=1), request.first_day + timedelta(weeks=3)]
    for day in taken_days:
        insert_bookings(world["room"], [slot(day, "19:00", "21:00")], title="Kor", association_id=world["rivals"].id)
    db.session.commit()
    with pytest.raises(bookings.PartlyUnavailable) as info:
        bookings.request_booking(world["member"], request)
    assert sorted(s.local_day() for s in info.value.check.unavailable) == taken_days
    assert len(info.value.check.free) == 3 and _count(Case) == 0  # nothing saved
    case = bookings.request_booking(world["member"], _weekly(world, 5, take_free=True))
    saved = db.session.scalar(sa.select(BookingRequest).where(BookingRequest.case_id == case.id))
    assert len(saved.slots) == 3 and sorted(saved.exceptions) == [d.isoformat() for d in taken_days]
    transitions.perform(case.id, "approve", world["caseworker"])
    assert _count(Booking, Booking.case_id == case.id) == 3


@pytest.mark.parametrize("change, code", [
    ({"end_time": time(17)}, "end_before_start"),
    ({"start_time": time(14), "end_time": time(16)}, "outside_hours"),
    ({"participants": 21}, "over_capacity"),
    ({"recurrence": "weekly", "until": None}, "until_missing"),
    ({"first_day": clock.today() - timedelta(days=7)}, "in_past"),
])
def test_bad_requests_are_refused_with_a_code_and_save_nothing(world, change, code):
    with pytest.raises(bookings.RequestRefused) as info:
        bookings.request_booking(world["member"], _input(world, **change))
    assert code in [p.code for p in info.value.problems]
    assert _count(Case) == 0 and _count(BookingRequest) == 0


def test_closure_day_is_unavailable(world):
    day = next_weekday(1)
    db.session.add(Closure(space_id=world["room"].id, starts_on=day, ends_on=day, reason="Skolefest"))
    db.session.commit()
    with pytest.raises(bookings.RequestRefused) as info:
        bookings.request_booking(world["member"], _input(world, first_day=day))
    [problem] = info.value.problems
    assert problem.code == "closed" and problem.params["reason"] == "Skolefest"


def test_a_closure_of_the_hall_closes_its_courts(world):
    day = next_weekday(2)
    db.session.add(Closure(space_id=world["hall"].id, starts_on=day, ends_on=day, reason="Vedligehold"))
    db.session.commit()
    with pytest.raises(bookings.RequestRefused):
        bookings.request_booking(world["member"], _input(world, world["courts"][0], first_day=day))


def test_space_only_for_approved_associations(world, factory):
    world["room"].bookable_by = "approved"
    newcomer = factory.association(name="Ny forening", members=(world["member"],))
    db.session.commit()
    with pytest.raises(bookings.RequestRefused) as info:
        bookings.request_booking(world["member"], _input(world, association_id=newcomer.id))
    assert [p.code for p in info.value.problems] == ["only_approved"]


def test_fully_taken_single_time_names_the_collision(world):
    request = _input(world)
    insert_bookings(world["room"], [slot(request.first_day, "17:00", "19:00")], title="X",
                    association_id=world["rivals"].id)
    db.session.commit()
    with pytest.raises(bookings.RequestRefused) as info:
        bookings.request_booking(world["member"], request)
    assert info.value.problems[0].code == "taken"


def test_auto_approve_books_at_once_as_the_system(world):
    world["room"].auto_approve = True
    db.session.commit()
    case = bookings.request_booking(world["member"], _input(world))
    assert case.state == "approved" and _count(Booking, Booking.case_id == case.id) == 1
    system = db.session.scalar(sa.select(User).where(User.email == bookings.SYSTEM_EMAIL))
    assert system.role == "caseworker" and system.is_active is False
    event = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == "auto_approve"))
    assert event.actor_id == system.id


def test_approval_meeting_a_new_collision_is_refused_and_changes_nothing(world):
    request = _weekly(world, 2)
    case = bookings.request_booking(world["member"], request)
    insert_bookings(world["room"], [slot(request.first_day, "18:00", "19:00")], title="X",
                    association_id=world["rivals"].id)
    db.session.commit()
    with pytest.raises(BookingConflict):
        transitions.perform(case.id, "approve", world["caseworker"])
    assert db.session.get(Case, case.id).state == "requested"
    assert _count(Booking, Booking.case_id == case.id) == 0 and _count(Decision) == 0


def test_partial_approval_books_the_kept_dates(world):
    case = bookings.request_booking(world["member"], _weekly(world, 3))
    request = db.session.scalar(sa.select(BookingRequest).where(BookingRequest.case_id == case.id))
    keep = {request.slots[0].id, request.slots[2].id}
    with pytest.raises(bookings.RequestRefused):
        bookings.decide_request(case.id, world["caseworker"], "partly_approve", version=case.version, keep_slot_ids=set(),
                                reason="x", comment=None)
    bookings.confirm_hearing(case.id, world["caseworker"], db.session.get(Case, case.id).version)
    case = db.session.get(Case, case.id)
    bookings.decide_request(case.id, world["caseworker"], "partly_approve", version=case.version, keep_slot_ids=keep,
                            reason="Den midterste tirsdag bruges hallen til valg.", comment=None)
    case = db.session.get(Case, case.id)
    assert case.state == "partly_approved" and case.hearing_confirmed
    booked = db.session.scalars(sa.select(Booking.starts_at).where(Booking.case_id == case.id)).all()
    assert sorted(booked) == sorted(s.starts_at for s in request.slots if s.id in keep)


def test_association_cancels_one_date_within_the_rules(world):
    world["room"].max_cancellations = 1
    case = bookings.request_booking(world["member"], _weekly(world, 3))
    transitions.perform(case.id, "approve", world["caseworker"])
    first, second, _ = db.session.scalars(sa.select(Booking).order_by(Booking.starts_at)).all()
    bookings.cancel_booking(first.id, world["member"])
    assert db.session.get(Booking, first.id).status == "cancelled"
    assert _count(BookingCancellation, BookingCancellation.kind == "association") == 1
    assert _count(CaseEvent, CaseEvent.kind == "booking_cancelled") == 1
    recipients = db.session.scalars(sa.select(OutboxMessage.recipient).where(OutboxMessage.template == "booking_cancelled"))
    assert set(recipients) == {world["club"].contact_email, "kultur@kommune.example"}
    with pytest.raises(transitions.TransitionNotAllowed) as info:  # the season's limit of 1 is used
        bookings.cancel_booking(second.id, world["member"])
    assert "aflyst 1 gang" in info.value.message
    assert db.session.get(Booking, second.id).status == "confirmed"


def test_cancellation_deadline(world):
    world["room"].cancel_deadline_hours = 24 * 30
    case = bookings.request_booking(world["member"], _input(world))
    transitions.perform(case.id, "approve", world["caseworker"])
    booking = db.session.scalar(sa.select(Booking))
    with pytest.raises(transitions.TransitionNotAllowed) as info:
        bookings.cancel_booking(booking.id, world["member"])
    assert "så sent" in info.value.message and db.session.get(Booking, booking.id).status == "confirmed"


def test_municipality_cancels_a_date_with_a_reason(world):
    case = bookings.request_booking(world["member"], _input(world))
    transitions.perform(case.id, "approve", world["caseworker"])
    booking = db.session.scalar(sa.select(Booking))
    with pytest.raises(bookings.RequestRefused):
        bookings.cancel_booking_by_municipality(booking.id, world["caseworker"], "  ")
    bookings.cancel_booking_by_municipality(booking.id, world["caseworker"], "Hallen bruges til folketingsvalg.")
    assert db.session.get(Booking, booking.id).status == "cancelled"
    notice = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "booking_cancelled"))
    assert notice.payload["reason"].startswith("Hallen") and notice.payload["by_municipality"] is True


def test_cancelling_the_whole_case_releases_the_coming_dates(world):
    case = bookings.request_booking(world["member"], _weekly(world, 3))
    transitions.perform(case.id, "approve", world["caseworker"])
    transitions.perform(case.id, "cancel", world["member"])
    assert _count(Booking, Booking.status == "cancelled") == 3
    assert db.session.get(Case, case.id).state == "cancelled"
    # The time is free again.
    bookings.request_booking(world["other"], _weekly(world, 3, association_id=world["rivals"].id))


def test_municipality_revokes_the_case_through_the_workflow(world):
    case = bookings.request_booking(world["member"], _weekly(world, 2))
    transitions.perform(case.id, "approve", world["caseworker"])
    case = db.session.get(Case, case.id)
    case.hearing_confirmed = True
    db.session.commit()
    transitions.perform(case.id, "cancel_by_municipality", world["caseworker"],
                        given=transitions.ActionInput(reason="Skolen lukker for ombygning."))
    assert _count(Booking, Booking.status == "cancelled") == 2
    assert db.session.scalar(sa.select(Decision.outcome).where(Decision.case_id == case.id)
                             .order_by(Decision.id.desc()).limit(1)) == "cancelled"


def test_on_new_years_night_it_is_already_the_new_year_for_approval_and_rounds(new_years_night, world):
    """Just after Danish midnight UTC still says 31 December: approval for the new year counts, a round opening
    today blocks its season."""
    world["room"].bookable_by = "approved"  # the clubs are approved for 2031 and 2032 only
    db.session.commit()
    case = bookings.request_booking(world["member"], _input(world))
    assert case.state == "requested"
    start = next_weekday(0, 4)
    allocation.create_round("Forårssæson", clock.today(), clock.today() + timedelta(days=14), start,
                            start + timedelta(weeks=8) - timedelta(days=1))
    with pytest.raises(bookings.RequestRefused) as info:
        bookings.request_booking(world["member"], _input(world, first_day=start + timedelta(days=1)))
    assert [p.code for p in info.value.problems] == ["season_round"]


def test_an_approved_request_is_an_api_event_naming_its_confirmed_bookings(world):
    case_id = bookings.request_booking(world["member"], _weekly(world, 3)).id
    transitions.perform(case_id, "approve", world["caseworker"])
    booked = sorted(db.session.scalars(sa.select(Booking.id).where(Booking.case_id == case_id)))
    found = {e.type: e for e in db.session.scalars(sa.select(ApiEvent).where(ApiEvent.case_id == case_id))}
    assert sorted(found["booking.confirmed"].subjects["booking_ids"]) == booked
    assert {"case.submitted", "case.decided"} <= found.keys()

"""One commit per use case in premises: a request and its auto-approval, sending a round to the committee."""
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import (AllocationRound, Booking, BookingOccupancy, BookingRequest, Case, CaseEvent, CaseNumberCounter,
                        Decision, OutboxMessage, RequestSlot)
from app.services.premises import allocation, bookings, occupancy
from app.services.premises.occupancy import insert_bookings
from tests.premises.helpers import next_weekday, slot

TABLES = (Case, BookingRequest, RequestSlot, CaseEvent, CaseNumberCounter, Decision, OutboxMessage, Booking,
          BookingOccupancy)


def _snapshot() -> dict[str, int]:
    db.session.expire_all()
    return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in TABLES}


@pytest.fixture
def commits():
    seen: list[int] = []

    def listener(session):
        if not session.in_nested_transaction():  # on PostgreSQL the booking's savepoint fires it too
            seen.append(1)
    sa.event.listen(db.session(), "after_commit", listener)
    yield seen
    sa.event.remove(db.session(), "after_commit", listener)


@pytest.fixture
def lost_race(world, monkeypatch):
    """The rivals take Tuesday 18-20 while the club's request is between its check and its auto-approval.

    Both friendly pre-checks (the request's, and the first one inside insert_bookings) see the time free, as
    they would have a moment earlier; what comes after (SQLite: the check after the insert; PostgreSQL: the
    occupancy exclusion constraint) meets the rivals' booking.
    """
    day = next_weekday(1)
    insert_bookings(world["room"], [slot(day, "18:00", "20:00")], title="Kor", association_id=world["rivals"].id)
    world["room"].auto_approve = True
    db.session.commit()
    real, calls = occupancy.find_collisions, []

    def blind_once(*args, **kwargs):
        calls.append(1)
        return [] if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(bookings, "find_collisions", lambda *a, **kw: [])
    monkeypatch.setattr(occupancy, "find_collisions", blind_once)
    return day


def _request(world, day):
    return bookings.RequestInput(space_id=world["room"].id, association_id=world["club"].id, purpose="Møde",
                                 participants=10, age_group="adults", first_day=day, start_time=time(18),
                                 end_time=time(20))


def test_a_request_and_its_auto_approval_commit_once(world, commits):
    world["room"].auto_approve = True
    db.session.commit()
    commits.clear()
    case = bookings.request_booking(world["member"], _request(world, next_weekday(1)))
    assert commits == [1]
    assert case.state == "approved"


def test_an_auto_approval_that_loses_the_race_leaves_the_tables_as_they_were(world, lost_race):
    before = _snapshot()
    with pytest.raises(bookings.RequestRefused) as info:
        bookings.request_booking(world["member"], _request(world, lost_race))
    [problem] = info.value.problems
    assert problem.code == "taken" and problem.params["when"]
    assert _snapshot() == before  # no case, no request, no journal, no number used, no outbox row, no booking


def test_the_member_gets_a_danish_message_when_the_auto_approval_loses_the_race(client, auth, world, lost_race):
    before = _snapshot()
    auth.login("karen@example.dk")
    resp = client.post(f"/lokaler/{world['room'].id}/anmod", data={
        "association_id": world["club"].id, "purpose": "Møde", "participants": "10", "age_group": "adults",
        "first_day": lost_race.isoformat(), "start_time": "18:00", "end_time": "20:00", "recurrence": "none",
        "until": "", "exceptions": ""})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Tiden er optaget" in body and 'value="Møde"' in body
    assert _snapshot() == before


@pytest.fixture
def season(world):
    start = next_weekday(0, 4)
    return allocation.create_round("Vintersæson", clock.today(), clock.today() + timedelta(days=14), start,
                                   start + timedelta(weeks=8) - timedelta(days=1))


def _wish(rnd, association, user, space, weekday):
    allocation.add_wish(rnd, association, user, allocation.WishInput(
        space_id=space.id, weekday=weekday, start_time=time(17), end_time=time(19), participants=10,
        age_group="adults"))


def _round_allocated(world, season):
    _wish(season, world["club"], world["member"], world["courts"][0], 1)
    _wish(season, world["rivals"], world["other"], world["room"], 3)
    for association, user in ((world["club"], world["member"]), (world["rivals"], world["other"])):
        allocation.submit_wishes(season, association, user)
    allocation.allocate(season, world["caseworker"])
    return allocation.round_cases(season)


def test_sending_a_round_to_the_committee_commits_once(world, season, commits):
    cases = _round_allocated(world, season)
    assert len(cases) == 2
    commits.clear()
    allocation.send_to_committee(season, world["caseworker"], hearing_confirmed=True)
    assert commits == [1]
    assert {c.state for c in allocation.round_cases(season)} == {"committee"}


def test_a_case_that_cannot_be_sent_leaves_the_whole_round_as_it_was(world, season):
    first, second = _round_allocated(world, season)
    second.data = {**second.data, "seasonal": False}  # the engine now refuses send_to_committee for it
    db.session.commit()
    with pytest.raises(allocation.transitions.TransitionNotAllowed):
        allocation.send_to_committee(season, world["caseworker"], hearing_confirmed=True)
    db.session.expire_all()
    assert db.session.get(AllocationRound, season.id).status == "allocated"
    for case in (first, second):
        case = db.session.get(Case, case.id)
        assert case.state_has("awaiting_caseworker") and not case.hearing_confirmed
    assert not db.session.scalar(sa.select(CaseEvent.id).where(CaseEvent.action == "send_to_committee"))

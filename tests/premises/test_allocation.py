"""A seasonal round from wishes to published allocation, through the committee."""
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AllocationRound, AllocationWish, Booking, Case, ConflictDeclaration, OutboxMessage
from app.services.premises import allocation, bookings
from app.services.cases import transitions
from tests.premises.helpers import next_weekday


@pytest.fixture
def season(world):
    start = next_weekday(0, 4)
    rnd = allocation.create_round("Vintersæson", clock.today(), clock.today() + timedelta(days=14), start,
                                  start + timedelta(weeks=8) - timedelta(days=1))
    return rnd


def _wish(world, rnd, who, space, weekday=1, start="17:00", end="19:00", age="adults", **kw):
    association, user = (world["club"], world["member"]) if who == "club" else (world["rivals"], world["other"])
    return allocation.add_wish(rnd, association, user, allocation.WishInput(
        space_id=space.id, weekday=weekday, start_time=time.fromisoformat(start), end_time=time.fromisoformat(end),
        participants=kw.pop("participants", 20), age_group=age, **kw))


def test_round_from_wishes_to_publication(world, season):
    hall, court = world["hall"], world["courts"][0]
    _wish(world, season, "club", court, age="adults")                # collides with the rivals' hall wish
    _wish(world, season, "rivals", hall, age="children_youth", start="18:00", end="20:00")
    _wish(world, season, "club", world["room"], weekday=3, age="adults", start="19:00", end="21:00")
    for association, user in ((world["club"], world["member"]), (world["rivals"], world["other"])):
        allocation.submit_wishes(season, association, user)

    grid = dict((space.id, days) for space, days in allocation.allocation_grid(season))
    [court_entry] = grid[court.id][1]
    [hall_entry] = grid[hall.id][1]
    assert hall_entry.rank < court_entry.rank  # children and young people first
    assert [w.id for w in court_entry.conflicts] == [hall_entry.wish.id]

    allocation.allocate(season, world["caseworker"])
    wishes = {w.space_id: w for w in db.session.scalars(sa.select(AllocationWish))}
    assert wishes[hall.id].status == "allocated" and wishes[hall.id].dates_allocated == 8
    assert wishes[court.id].status == "declined"
    assert wishes[world["room"].id].status == "allocated"
    assert {b.status for b in db.session.scalars(sa.select(Booking))} == {"reserved"}

    allocation.allocate(season, world["caseworker"])  # running it again gives the same result, not twice the bookings
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking).where(Booking.status == "reserved")) == 16

    allocation.send_to_committee(season, world["caseworker"], hearing_confirmed=True)
    cases = allocation.round_cases(season)
    assert {c.state for c in cases} == {"committee"}
    with pytest.raises(bookings.RequestRefused):
        allocation.publish(season, world["caseworker"])  # the committee has not decided yet
    club_case = next(c for c in cases if c.association_id == world["club"].id)
    rivals_case = next(c for c in cases if c.association_id == world["rivals"].id)
    transitions.perform(rivals_case.id, "approve", world["chair"])
    transitions.perform(club_case.id, "partly_approve", world["chair"],
                        given=transitions.ActionInput(reason="Banen er fordelt til børn og unge efter loven."))
    assert db.session.get(Case, club_case.id).state == "partly_approved"

    allocation.publish(season, world["caseworker"])
    assert db.session.get(AllocationRound, season.id).status == "published"
    active = db.session.scalars(sa.select(Booking).where(Booking.status != "cancelled")).all()
    assert len(active) == 16 and {b.status for b in active} == {"confirmed"}
    published = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "allocation_published")).all()
    assert {m.recipient for m in published} == {world["club"].contact_email, world["rivals"].contact_email}


def test_rejected_allocation_is_freed_at_publication(world, season):
    _wish(world, season, "club", world["room"], start="17:00", end="19:00")
    allocation.submit_wishes(season, world["club"], world["member"])
    allocation.allocate(season, world["caseworker"])
    allocation.send_to_committee(season, world["caseworker"], hearing_confirmed=True)
    [case] = allocation.round_cases(season)
    transitions.perform(case.id, "reject", world["chair"], given=transitions.ActionInput(reason="Ikke folkeoplysende."))
    allocation.publish(season, world["caseworker"])
    statuses = list(db.session.scalars(sa.select(Booking.status)))
    assert len(statuses) == 8 and set(statuses) == {"cancelled"}


def test_ordinary_requests_wait_for_an_unpublished_round(world, season):
    request = bookings.RequestInput(space_id=world["room"].id, association_id=world["club"].id, purpose="Møde",
                                    participants=5, age_group="adults", first_day=season.season_start + timedelta(days=1),
                                    start_time=time(18), end_time=time(19))
    with pytest.raises(bookings.RequestRefused) as info:
        bookings.request_booking(world["member"], request)
    assert info.value.problems[0].code == "season_round"


@pytest.mark.parametrize("change, code", [
    ({"participants": 500}, "over_capacity"),
    ({"start": "20:00", "end": "18:00"}, "end_before_start"),
    ({"start": "12:00", "end": "14:00"}, "outside_hours"),
])
def test_bad_wishes_are_refused(world, season, change, code):
    with pytest.raises(bookings.RequestRefused) as info:
        _wish(world, season, "club", world["room"], **change)
    assert code in [p.code for p in info.value.problems]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AllocationWish)) == 0


def test_wishes_are_locked_after_sending(world, season):
    _wish(world, season, "club", world["room"])
    allocation.submit_wishes(season, world["club"], world["member"])
    with pytest.raises(bookings.RequestRefused):
        _wish(world, season, "club", world["room"], weekday=2)
    wish = db.session.scalar(sa.select(AllocationWish))
    with pytest.raises(bookings.RequestRefused):
        allocation.remove_wish(wish)


def test_an_inhabil_caseworker_cannot_allocate_the_round(world, season, client, auth):
    """Forvaltningsloven § 3 on a whole round: one declared conflict refuses the allocation, nothing is reserved."""
    _wish(world, season, "club", world["hall"])
    _wish(world, season, "rivals", world["room"], weekday=3)
    for association, user in ((world["club"], world["member"]), (world["rivals"], world["other"])):
        allocation.submit_wishes(season, association, user)
    case_id = db.session.scalar(sa.select(AllocationWish.case_id).where(AllocationWish.space_id == world["hall"].id))
    db.session.add(ConflictDeclaration(case_id=case_id, user_id=world["caseworker"].id, reason="Formand i klubben"))
    db.session.commit()
    auth.login("mette@kommune.dk")
    body = client.post(f"/lokaler/fordeling/{season.id}/fordel", follow_redirects=True).get_data(as_text=True)
    assert "inhabil i sag" in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 0
    assert db.session.get(AllocationRound, season.id).status == "open"

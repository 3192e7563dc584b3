"""No double booking: the hall/court tree, released bookings, and real races on PostgreSQL."""
import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Booking, BookingOccupancy, Space
from app.services.premises.occupancy import BookingConflict, find_collisions, insert_bookings, release
from tests.premises.helpers import next_weekday, slot


def _book(space, s, association):
    return insert_bookings(space, [s], title="Træning", association_id=association.id)


def _active_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Booking).where(Booking.status != "cancelled"))


def test_same_slot_twice_is_refused_and_names_the_time(world):
    tuesday = next_weekday(1)
    _book(world["room"], slot(tuesday, "18:00", "20:00"), world["club"])
    db.session.commit()
    with pytest.raises(BookingConflict) as info:
        _book(world["room"], slot(tuesday, "19:00", "21:00"), world["rivals"])
    assert "18:00–20:00" in info.value.message
    assert _active_count() == 1


def test_back_to_back_is_fine(world):
    tuesday = next_weekday(1)
    _book(world["room"], slot(tuesday, "18:00", "20:00"), world["club"])
    _book(world["room"], slot(tuesday, "20:00", "22:00"), world["rivals"])
    db.session.commit()
    assert _active_count() == 2


def test_hall_blocks_courts_and_courts_block_hall(world):
    hall, (court1, court2, court3) = world["hall"], world["courts"]
    day = next_weekday(2)
    _book(court1, slot(day, "17:00", "19:00"), world["club"])
    _book(court2, slot(day, "17:00", "19:00"), world["rivals"])  # a sibling court at the same time is fine
    db.session.commit()
    with pytest.raises(BookingConflict):
        _book(hall, slot(day, "18:00", "20:00"), world["rivals"])
    _book(hall, slot(day, "19:00", "21:00"), world["rivals"])
    db.session.commit()
    with pytest.raises(BookingConflict):
        _book(court3, slot(day, "20:00", "21:00"), world["club"])
    assert _active_count() == 3


def test_a_booking_holds_its_space_its_descendants_and_partly_its_ancestors(world):
    hall, courts = world["hall"], world["courts"]
    [booking] = _book(courts[0], slot(next_weekday(3), "10:00", "11:00"), world["club"])
    rows = db.session.execute(sa.select(BookingOccupancy.space_id, BookingOccupancy.part_id)
                              .where(BookingOccupancy.booking_id == booking.id)).all()
    assert sorted(rows, key=lambda r: r[0]) == [(hall.id, courts[0].id), (courts[0].id, None)]
    [whole] = _book(hall, slot(next_weekday(3), "12:00", "13:00"), world["club"])
    spaces = set(db.session.scalars(sa.select(BookingOccupancy.space_id).where(BookingOccupancy.booking_id == whole.id)))
    assert spaces == {hall.id} | {c.id for c in courts}


def test_released_time_can_be_booked_again(world):
    s = slot(next_weekday(1), "18:00", "20:00")
    bookings = _book(world["room"], s, world["club"])
    release(bookings, None)
    db.session.commit()
    _book(world["room"], s, world["rivals"])
    db.session.commit()
    assert _active_count() == 1


def test_collisions_list_each_requested_slot(world):
    days = [next_weekday(1, w) for w in (1, 2, 3)]
    _book(world["room"], slot(days[1], "18:00", "19:00"), world["club"])
    db.session.commit()
    collisions = find_collisions(world["room"], [slot(d, "18:30", "20:00") for d in days])
    assert [c.slot.local_day() for c in collisions] == [days[1]]


def test_a_series_meets_the_holds_on_its_own_dates_and_hours_only(world):
    days = [next_weekday(1, w) for w in (1, 2, 3, 4)]
    room, (court, *_) = world["room"], world["courts"]
    for day, start, end in ((days[0], "18:00", "19:00"), (days[1], "16:00", "18:30"), (days[2], "20:00", "21:00"),
                            (days[3], "19:30", "20:30")):
        _book(room, slot(day, start, end), world["club"])
    _book(world["hall"], slot(days[2], "19:00", "19:30"), world["rivals"])
    db.session.commit()
    series = [slot(d, "18:30", "20:00") for d in days]
    assert [c.slot.local_day() for c in find_collisions(room, series)] == [days[0], days[3]]
    assert [c.slot.local_day() for c in find_collisions(court, series)] == [days[2]]


def test_the_database_refuses_overlapping_holds_even_without_the_service(world):
    """The rule lives in the database on PostgreSQL; SQLite relies on the service's check."""
    [booking] = _book(world["room"], slot(next_weekday(1), "18:00", "20:00"), world["club"])
    db.session.commit()
    if db.engine.dialect.name != "postgresql":
        return
    with pytest.raises(sa.exc.IntegrityError):
        db.session.add(BookingOccupancy(booking_id=booking.id, space_id=world["room"].id, part_id=None,
                                        starts_at=booking.starts_at, ends_at=booking.ends_at))
        db.session.flush()
    db.session.rollback()


def _race(app, attempts, association_id):
    """Run each (space id, slot) attempt in its own thread, connection and session, all at once."""
    from app import create_app
    from config import TestingConfig
    # An app whose pool has a connection for every thread, so all of them really meet in the database.
    racing = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": len(attempts) + 2, "max_overflow": 0})
    barrier, results = threading.Barrier(len(attempts)), []

    def attempt(space_id, s):
        with racing.app_context():
            try:
                space = db.session.get(Space, space_id)
                barrier.wait(timeout=60)
                insert_bookings(space, [s], title="Kapløb", association_id=association_id)
                db.session.commit()
                results.append("ok")
            except BookingConflict as exc:
                results.append(exc.message)
            except Exception as exc:  # noqa: BLE001  (reported by the assertions below)
                results.append(f"error: {exc!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=a) for a in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    with racing.app_context():
        db.engine.dispose()
    return results


# Fifty connections each: PostgreSQL allows 100, so the two races (and the multi-host processes) run on one test
# process, one after the other, never beside each other (two at once was "too many clients" for some threads).
MANY_CONNECTIONS = pytest.mark.xdist_group("many-connections")


@MANY_CONNECTIONS
@pytest.mark.postgres
def test_fifty_concurrent_requests_for_one_slot_have_one_winner(app, world):
    s = slot(next_weekday(4), "18:00", "20:00")
    results = _race(app, [(world["room"].id, s)] * 50, world["club"].id)
    assert len(results) == 50 and results.count("ok") == 1, results
    assert [r for r in results if r != "ok" and not r.startswith("Tiden er optaget: ")] == []
    db.session.expire_all()
    assert _active_count() == 1


@MANY_CONNECTIONS
@pytest.mark.postgres
def test_hall_against_its_court_concurrently_has_one_winner(app, world):
    s = slot(next_weekday(5), "10:00", "12:00")
    attempts = [(world["hall"].id if i % 2 else world["courts"][1].id, s) for i in range(50)]
    results = _race(app, attempts, world["club"].id)
    assert len(results) == 50 and results.count("ok") == 1, results
    assert [r for r in results if r != "ok" and not r.startswith("Tiden er optaget: ")] == []
    db.session.expire_all()
    assert _active_count() == 1

"""Benchmark: check and insert a booking with 1,000,000 existing bookings on PostgreSQL (a script, not a test).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fs_premises_bench \\
        .venv/bin/python bench/booking_benchmark.py --reset [--bookings 1000000] [--runs 300]

It builds the schema with the real migrations (so the exclusion constraint is the real one), seeds
bookings with generate_series: one-hour bookings every two hours, spread over 10 rooms (one hold each)
and 15 courts in 5 halls (two holds each: the court and, in part, its hall). The constraint is dropped
during the bulk insert and added again afterwards, which also proves the seeded data is free of overlaps.
Then it times the real service, app.services.premises.occupancy.insert_bookings + commit (the friendly pre-check,
the INSERTs and the constraint), for: a free hour in a room, a free hour on a court, a taken hour
(refused), a whole hall (four holds, checked against its courts) and a weekly series of 20 dates;
and prints median and 95th percentile with EXPLAIN (ANALYZE, BUFFERS) of the collision query.
The database named by BENCH_DATABASE_URL is emptied with --reset: give it a database of its own.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import TestingConfig, normalise_database_url  # noqa: E402

BASE = datetime(2020, 1, 6, 0, tzinfo=timezone.utc)
ROOMS, HALLS, COURTS_PER_HALL = 10, 5, 3
EXCLUSION_NAME = "ex_booking_occupancies_no_overlap"


def make_app(url: str, tmp: Path):
    from app import create_app
    return create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, MAIL_LOG_PATH=str(tmp / "mail.log"))


def reset(url: str, tmp: Path) -> None:
    """Drop everything and build the schema with the migrations."""
    from flask_migrate import upgrade
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    app = make_app(url, tmp)
    with app.app_context():
        upgrade(revision="heads")
        from app.extensions import db
        db.engine.dispose()


def _catalogue(conn) -> tuple[list[int], list[int], list[int], int]:
    """Rooms, halls and courts; returns (rooms, halls, courts, association id)."""
    def one(sql: str, **params) -> int:
        return conn.execute(sa.text(sql), params).scalar_one()
    location = one("INSERT INTO premises_locations (name, address, description, is_published, created_at) "
                   "VALUES ('Benchmark', '', '', true, now()) RETURNING id")
    association = one("INSERT INTO associations (name, cvr, is_informal, contact_email, works_with_children, created_at)"
                      " VALUES ('Benchmarkforeningen', '12345674', false, 'b@example.dk', false, now()) RETURNING id")
    space_sql = ("INSERT INTO premises_spaces (location_id, parent_id, name, description, capacity, facilities, "
                 "step_free, disabled_suited, rules_text, bookable_by, cancel_deadline_hours, auto_approve, "
                 "is_published, created_at) VALUES (:loc, :parent, :name, '', 50, '', false, false, '', 'informal', "
                 "24, false, true, now()) RETURNING id")
    rooms = [one(space_sql, loc=location, parent=None, name=f"Rum {n}") for n in range(ROOMS)]
    halls = [one(space_sql, loc=location, parent=None, name=f"Hal {n}") for n in range(HALLS)]
    courts = [one(space_sql, loc=location, parent=h, name=f"Hal {i} bane {c}")
              for i, h in enumerate(halls) for c in range(COURTS_PER_HALL)]
    return rooms, halls, courts, association


def seed(url: str, total: int) -> dict:
    """Bulk-insert `total` bookings and their holds; returns the ids and the size of the seeded period."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        rooms, halls, courts, association = _catalogue(conn)
        targets = rooms + courts
        per_space = total // len(targets)
        conn.execute(sa.text(f"ALTER TABLE booking_occupancies DROP CONSTRAINT {EXCLUSION_NAME}"))
        conn.execute(sa.text("""
            INSERT INTO bookings (space_id, association_id, title, starts_at, ends_at, status, created_at)
            SELECT s.id, :assoc, 'Seed', :base + make_interval(hours => 2 * g), :base + make_interval(hours => 2 * g + 1),
                   'confirmed', now()
            FROM unnest(CAST(:spaces AS integer[])) AS s(id), generate_series(0, :n - 1) AS g"""),
                     {"assoc": association, "base": BASE, "spaces": targets, "n": per_space})
        conn.execute(sa.text("""
            INSERT INTO booking_occupancies (booking_id, space_id, part_id, starts_at, ends_at, active)
            SELECT b.id, b.space_id, NULL, b.starts_at, b.ends_at, true FROM bookings b
            UNION ALL
            SELECT b.id, s.parent_id, b.space_id, b.starts_at, b.ends_at, true
            FROM bookings b JOIN premises_spaces s ON s.id = b.space_id WHERE s.parent_id IS NOT NULL"""))
    started = time.perf_counter()
    with engine.begin() as conn:
        from importlib import import_module
        migration = import_module("migrations.versions.0040_premises")
        conn.execute(sa.text(migration.EXCLUSION))
        conn.execute(sa.text("ANALYZE bookings; ANALYZE booking_occupancies"))
        counts = conn.execute(sa.text("SELECT (SELECT count(*) FROM bookings), (SELECT count(*) FROM booking_occupancies)")).one()
    print(f"seeded {counts[0]:,} bookings / {counts[1]:,} holds; constraint validated and indexed in "
          f"{time.perf_counter() - started:.1f} s")
    engine.dispose()
    return {"rooms": rooms, "halls": halls, "courts": courts, "association": association, "per_space": per_space}


def free_gap(per_space: int, rng: random.Random, used: set, dates: int = 1) -> datetime:
    """The start of a free one-hour gap between seeded bookings, free for `dates` weeks in a row (used once)."""
    week = 7 * 12  # gaps per week
    while True:
        g = rng.randrange(per_space - 1 - week * dates)
        gaps = {g + week * w for w in range(dates)}
        if not gaps & used:
            used |= gaps
            return BASE + timedelta(hours=2 * g + 1)


def timed(label: str, runs: int, attempt) -> None:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        attempt()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    print(f"{label:<52} median {statistics.median(samples):6.2f} ms   p95 {p95:6.2f} ms   (n={runs})")


def measure(app, ids: dict, runs: int) -> None:
    """Time the real service in several scenarios."""
    from app.extensions import db
    from app.models import Space
    from app.services.premises.recurrence import Slot
    from app.services.premises.occupancy import BookingConflict, insert_bookings
    from app.services.unit_of_work import transaction

    rng, used = random.Random(42), set()
    per_space, association = ids["per_space"], ids["association"]

    def book(space_id: int, slots: list[Slot]) -> None:
        with transaction():  # one unit of work per booking, committed as the app's use cases do
            insert_bookings(db.session.get(Space, space_id), slots, title="Bench", association_id=association)

    def free(space_ids: list[int], dates: int = 1):
        def attempt():
            start = free_gap(per_space, rng, used, dates)
            book(rng.choice(space_ids), [Slot(start + timedelta(weeks=w), start + timedelta(weeks=w, hours=1))
                                         for w in range(dates)])
        return attempt

    def taken():
        g = rng.randrange(per_space)
        start = BASE + timedelta(hours=2 * g)
        try:
            book(rng.choice(ids["rooms"]), [Slot(start, start + timedelta(hours=1))])
        except BookingConflict:
            pass  # the unit of work rolled back
        else:
            raise AssertionError("a taken hour was booked")

    def whole_hall():
        start = free_gap(per_space, rng, used)
        book(rng.choice(ids["halls"]), [Slot(start, start + timedelta(hours=1))])

    with app.app_context():
        timed("free hour in a room (1 hold)", runs, free(ids["rooms"]))
        timed("free hour on a court (2 holds: court + hall part)", runs, free(ids["courts"]))
        timed("taken hour in a room (refused, names the time)", runs, taken)
        timed("whole hall (4 holds) against its courts", runs, whole_hall)
        timed("weekly series of 20 dates in a room", max(runs // 5, 10), free(ids["rooms"], dates=20))
        explain(db, ids)


def explain(db, ids: dict) -> None:
    """The plan of the collision query for a court (its own holds and its hall's full holds)."""
    from app.services.premises.occupancy import _blocking
    from app.services.premises.catalogue import parents_map
    from app.models import BookingOccupancy, Space
    court = db.session.get(Space, ids["courts"][0])
    lo = BASE + timedelta(hours=2 * (ids["per_space"] // 2) + 1)
    stmt = sa.select(BookingOccupancy.starts_at, BookingOccupancy.ends_at).where(
        *_blocking(court.id, parents_map(court.location_id), lo, lo + timedelta(hours=1)))
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    print("\nEXPLAIN (ANALYZE, BUFFERS) of the collision query:")
    for (line,) in db.session.execute(sa.text("EXPLAIN (ANALYZE, BUFFERS) " + sql)):
        print("   ", line)
    db.session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reset", action="store_true", help="empty BENCH_DATABASE_URL and seed it")
    parser.add_argument("--bookings", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    raw = os.environ.get("BENCH_DATABASE_URL")
    if not raw or not raw.startswith("postgres"):
        sys.exit("Set BENCH_DATABASE_URL to a PostgreSQL database of its own.")
    if not args.reset:
        sys.exit("Run with --reset: the benchmark needs its own freshly seeded database.")
    url = normalise_database_url(raw)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        reset(url, Path(tmp))
        ids = seed(url, args.bookings)
        print(f"schema + seed in {time.perf_counter() - started:.1f} s\n")
        measure(make_app(url, Path(tmp)), ids, args.runs)


if __name__ == "__main__":
    main()

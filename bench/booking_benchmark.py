"""Benchmark: check and insert a booking with 1,000 and with 1,000,000 existing bookings (a script, not a test).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fs_premises_bench \\
        .venv/bin/python bench/booking_benchmark.py --reset [--small 1000] [--bookings 1000000] [--runs 300]

It builds the schema with the real migrations (so the exclusion constraint is the real one), seeds
bookings with generate_series: one-hour bookings every two hours, spread over 10 rooms (one hold each)
and 15 courts in 5 halls (two holds each: the court and, in part, its hall). The constraint is dropped
during the bulk insert and added again afterwards, which also proves the seeded data is free of overlaps.
Then it times the real service, app.services.premises.occupancy.insert_bookings + commit (the friendly pre-check,
the INSERTs and the constraint), for: a free hour in a room, a free hour on a court, a taken hour
(refused), a whole hall (four holds, checked against its courts) and a weekly series of 20 dates;
grows the same tables to --bookings and measures again. It prints median and 95th percentile per size,
EXPLAIN (ANALYZE, BUFFERS) of the collision query, and last the p95 ratio large/small per scenario.
`--smoke` (1,000 then 20,000 bookings, 20 runs) proves the script works in seconds.
The database named by BENCH_DATABASE_URL is emptied with --reset: give it a database of its own.
"""
from __future__ import annotations

import argparse
import os
import random
import secrets
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
WEEK = 7 * 12  # two-hour steps per week
SERIES = 20  # dates in the weekly series
TARGET = 1.5  # p95 at the large size ≤ 1.5 × at the small size


def make_app(url: str, tmp: Path):
    from app import create_app
    from cryptography.fernet import Fernet
    # On PostgreSQL the app refuses the development key: a throw-away secret and TOTP key for this run.
    return create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, MAIL_LOG_PATH=str(tmp / "mail.log"),
                      SECRET_KEY=secrets.token_hex(32), TOTP_ENCRYPTION_KEYS=(Fernet.generate_key().decode(),))


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
    association = one("INSERT INTO associations (name, cvr, is_informal, contact_email, works_with_children, created_at,"
                      " updated_at) VALUES ('Benchmarkforeningen', '12345674', false, 'b@example.dk', false, now(),"
                      " now()) RETURNING id")
    space_sql = ("INSERT INTO premises_spaces (location_id, parent_id, name, description, capacity, facilities, "
                 "step_free, disabled_suited, rules_text, bookable_by, cancel_deadline_hours, auto_approve, "
                 "is_published, created_at, updated_at) VALUES (:loc, :parent, :name, '', 50, '', false, false, '', "
                 "'informal', 24, false, true, now(), now()) RETURNING id")
    rooms = [one(space_sql, loc=location, parent=None, name=f"Rum {n}") for n in range(ROOMS)]
    halls = [one(space_sql, loc=location, parent=None, name=f"Hal {n}") for n in range(HALLS)]
    courts = [one(space_sql, loc=location, parent=h, name=f"Hal {i} bane {c}")
              for i, h in enumerate(halls) for c in range(COURTS_PER_HALL)]
    return rooms, halls, courts, association


class Seed:
    """The catalogue and how far the seeded bookings reach; grown in place, so both sizes share one schema."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url)
        with self.engine.begin() as conn:
            self.rooms, self.halls, self.courts, self.association = _catalogue(conn)
        self.per_space = 0  # seeded bookings per room/court: one every two hours from BASE

    @property
    def targets(self) -> list[int]:
        return self.rooms + self.courts

    def grow(self, total: int) -> None:
        """Add seeded bookings (and their holds) until there are `total`; checks the constraint afterwards."""
        per_space = total // len(self.targets)
        with self.engine.begin() as conn:
            last = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM bookings")).scalar_one()
            conn.execute(sa.text(f"ALTER TABLE booking_occupancies DROP CONSTRAINT {EXCLUSION_NAME}"))
            conn.execute(sa.text("""
                INSERT INTO bookings (space_id, association_id, title, starts_at, ends_at, status, created_at,
                                      updated_at)
                SELECT s.id, :assoc, 'Seed', :base + make_interval(hours => 2 * g),
                       :base + make_interval(hours => 2 * g + 1), 'confirmed', now(), now()
                FROM unnest(CAST(:spaces AS integer[])) AS s(id), generate_series(:first, :n - 1) AS g"""),
                         {"assoc": self.association, "base": BASE, "spaces": self.targets, "first": self.per_space,
                          "n": per_space})
            conn.execute(sa.text("""
                INSERT INTO booking_occupancies (booking_id, space_id, part_id, starts_at, ends_at, active)
                SELECT b.id, b.space_id, NULL, b.starts_at, b.ends_at, true FROM bookings b WHERE b.id > :last
                UNION ALL
                SELECT b.id, s.parent_id, b.space_id, b.starts_at, b.ends_at, true
                FROM bookings b JOIN premises_spaces s ON s.id = b.space_id
                WHERE s.parent_id IS NOT NULL AND b.id > :last"""), {"last": last})
        started = time.perf_counter()
        with self.engine.begin() as conn:
            from importlib import import_module
            migration = import_module("migrations.versions.0040_premises")
            conn.execute(sa.text(migration.EXCLUSION))
            counts = conn.execute(sa.text(
                "SELECT (SELECT count(*) FROM bookings), (SELECT count(*) FROM booking_occupancies)")).one()
        # Measure the tables as they are in use, not in the wake of a bulk load: VACUUM sets the hint bits and
        # the visibility map the first readers would otherwise write, CHECKPOINT flushes the load's WAL now
        # rather than during the measured commits.
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for sql in ("VACUUM ANALYZE bookings", "VACUUM ANALYZE booking_occupancies", "CHECKPOINT"):
                conn.execute(sa.text(sql))
        self.per_space = per_space
        self.bookings = counts[0]
        print(f"{counts[0]:,} bookings ({per_space * len(self.targets):,} seeded) / {counts[1]:,} holds; "
              f"constraint validated and indexed in "
              f"{time.perf_counter() - started:.1f} s")


class Gaps:
    """Free one-hour gaps (the odd hours between seeded bookings), each used once over the whole run.

    They are drawn from the same horizon at every size: the final seed's period, and at least long enough for
    weekly series. Seeding only ever adds even hours, so a gap booked at the small size stays free of seed.
    """

    def __init__(self, horizon: int, seed: int = 42) -> None:
        self.horizon = horizon
        self.rng = random.Random(seed)
        self.used: set[int] = set()

    def free(self, dates: int = 1) -> datetime:
        """The start of a gap free for `dates` weeks in a row."""
        while True:
            g = self.rng.randrange(self.horizon - WEEK * dates)
            gaps = {g + WEEK * w for w in range(dates)}
            if not gaps & self.used:
                self.used |= gaps
                return BASE + timedelta(hours=2 * g + 1)


def horizon_for(total: int, series: int) -> int:
    """Gaps per space to draw from: the final seed's period, or enough for many weekly series."""
    return max(total // (ROOMS + HALLS * COURTS_PER_HALL), WEEK * series * 4)


def timed(runs: int, attempt, warmup: int) -> tuple[float, float]:
    """Median and 95th percentile in ms of `runs` attempts, after `warmup` uncounted ones."""
    for _ in range(warmup):
        attempt()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        attempt()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


SCENARIOS = {  # short name: what the line says
    "free room": "free hour in a room (1 hold)",
    "free court": "free hour on a court (2 holds: court + hall part)",
    "taken room": "taken hour in a room (refused, names the time)",
    "whole hall": "whole hall (4 holds) against its courts",
    "weekly series": f"weekly series of {SERIES} dates in a room",
}


def measure(app, seed: Seed, gaps: Gaps, runs: int) -> dict[str, tuple[float, float]]:
    """Time the real service in every scenario; returns median and p95 per scenario."""
    from app.extensions import db
    from app.models import Space
    from app.services.premises.occupancy import BookingConflict, insert_bookings
    from app.services.premises.recurrence import Slot
    from app.services.unit_of_work import transaction

    rng = random.Random(seed.per_space)

    def book(space_id: int, slots: list[Slot]) -> None:
        with transaction():  # one unit of work per booking, committed as the app's use cases do
            insert_bookings(db.session.get(Space, space_id), slots, title="Bench", association_id=seed.association)

    def free(space_ids: list[int], dates: int = 1):
        def attempt():
            start = gaps.free(dates)
            book(rng.choice(space_ids), [Slot(start + timedelta(weeks=w), start + timedelta(weeks=w, hours=1))
                                         for w in range(dates)])
        return attempt

    def taken():
        start = BASE + timedelta(hours=2 * rng.randrange(seed.per_space))
        try:
            book(rng.choice(seed.rooms), [Slot(start, start + timedelta(hours=1))])
        except BookingConflict:
            pass  # the unit of work rolled back
        else:
            raise AssertionError("a taken hour was booked")

    attempts = {"free room": (free(seed.rooms), runs), "free court": (free(seed.courts), runs),
                "taken room": (taken, runs), "whole hall": (free(seed.halls), runs),
                "weekly series": (free(seed.rooms, dates=SERIES), max(runs // 5, 10))}
    results = {}
    with app.app_context():
        print(f"\n{seed.bookings:,} bookings:")
        for name, (attempt, n) in attempts.items():
            results[name] = timed(n, attempt, warmup=min(5, n // 4))
            median, p95 = results[name]
            print(f"  {SCENARIOS[name]:<52} median {median:6.2f} ms   p95 {p95:6.2f} ms   (n={n})")
    return results


def explain(app, seed: Seed) -> None:
    """The plan of the collision query for a court (its own holds and its hall's full holds)."""
    with app.app_context():
        from app.extensions import db
        _explain(db, seed)


def _explain(db, seed: Seed) -> None:
    from app.models import BookingOccupancy, Space
    from app.services.premises.catalogue import parents_map
    from app.services.premises.occupancy import _blocking
    court = db.session.get(Space, seed.courts[0])
    lo = BASE + timedelta(hours=2 * (seed.per_space // 2) + 1)
    stmt = sa.select(BookingOccupancy.starts_at, BookingOccupancy.ends_at).where(
        *_blocking(court.id, parents_map(court.location_id), lo, lo + timedelta(hours=1)))
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    print("\nEXPLAIN (ANALYZE, BUFFERS) of the collision query:")
    for (line,) in db.session.execute(sa.text("EXPLAIN (ANALYZE, BUFFERS) " + sql)):
        print("   ", line)
    db.session.rollback()


def size(n: int) -> str:
    """1k, 20k, 1M."""
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def ratio_lines(small: int, large: int, before: dict, after: dict) -> None:
    """The verdicts, printed last: p95 at the large size over p95 at the small size, per scenario."""
    print()
    for name in SCENARIOS:
        ratio = after[name][1] / before[name][1]
        verdict = "OK" if ratio <= TARGET else "MISSED"
        print(f"RATIO booking {name} p95 {size(large)}/{size(small)}: {ratio:.2f} (target <= {TARGET}) {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reset", action="store_true", help="empty BENCH_DATABASE_URL and seed it")
    parser.add_argument("--small", type=int, default=1_000, help="bookings at the first measurement")
    parser.add_argument("--bookings", type=int, default=1_000_000, help="bookings at the second measurement")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--no-plans", action="store_true", help="skip EXPLAIN of the collision query")
    parser.add_argument("--smoke", action="store_true", help="1,000 then 20,000 bookings, 20 runs: seconds")
    args = parser.parse_args()
    if args.smoke:
        args.small, args.bookings, args.runs = 1_000, 20_000, 20
    raw = os.environ.get("BENCH_DATABASE_URL")
    if not raw or not raw.startswith("postgres"):
        sys.exit("Set BENCH_DATABASE_URL to a PostgreSQL database of its own.")
    if not args.reset:
        sys.exit("Run with --reset: the benchmark needs its own freshly seeded database.")
    if not 0 < args.small < args.bookings:
        sys.exit("--small must be positive and smaller than --bookings.")
    url = normalise_database_url(raw)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        reset(url, Path(tmp))
        seed = Seed(url)
        seed.grow(args.small)
        print(f"schema + seed in {time.perf_counter() - started:.1f} s")
        app = make_app(url, Path(tmp))
        gaps = Gaps(horizon_for(args.bookings, SERIES))
        before = measure(app, seed, gaps, args.runs)
        started = time.perf_counter()
        seed.grow(args.bookings)
        print(f"grown to {seed.bookings:,} bookings in {time.perf_counter() - started:.1f} s")
        after = measure(app, seed, gaps, args.runs)
        if not args.no_plans:
            explain(app, seed)
        seed.engine.dispose()
        ratio_lines(args.small, args.bookings, before, after)


if __name__ == "__main__":
    main()

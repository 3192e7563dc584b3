"""Where a meeting's delivery goes: the close and the batch tasks' bodies run in this process on a seeded
PostgreSQL database, with CPU time, SQL statements and commits counted per phase (and cProfile on request).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fs_bench_prof \\
    .venv/bin/python bench/letters_profile.py --reset [--cases 200] [--profile letters|notices|close] [--top 30]

The schema is built by the real migrations and seeded as bench/letters_benchmark.py seeds it. The close hands
nothing to Celery: its ids are caught, cut into the batches `outbox.dispatch` would send, and each batch is run
by the task's own function (`outbox.deliver_batch`), letters first, then the e-mail notices they wrote. CPU time
(process_time) is the measure here: the machine is shared, wall time says little.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))
from letters_benchmark import close, make_app, reset, seed  # noqa: E402

from config import normalise_database_url  # noqa: E402


class Counter:
    """SQL statements and commits on the app's engine."""

    def __init__(self, engine) -> None:
        self.statements = self.commits = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, *args) -> None:
        self.statements += 1

    def _commit(self, *args) -> None:
        self.commits += 1

    def snapshot(self) -> tuple[int, int]:
        return self.statements, self.commits


def server_cpu() -> float:
    """CPU seconds of this session's PostgreSQL backend so far (a local server: its /proc entry), else 0."""
    from app.extensions import db
    pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    db.session.rollback()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def phase(name: str, n: int, counter: Counter, fn, profile: bool, top: int) -> None:
    """Run fn, print CPU ms, statements and commits per item (n items)."""
    server = server_cpu()
    before, cpu = counter.snapshot(), time.process_time()
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    fn()
    if profiler:
        profiler.disable()
    cpu = time.process_time() - cpu
    statements, commits = (a - b for a, b in zip(counter.snapshot(), before))
    server = server_cpu() - server
    print(f"{name}: {n} items, CPU {cpu:.2f} s ({cpu / n * 1000:.2f} ms each), PostgreSQL backend "
          f"{server:.2f} s ({server / n * 1000:.2f} ms each); "
          f"{statements} statements ({statements / n:.1f} each), {commits} commits ({commits / n:.2f} each)")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--reset", action="store_true", help="empty BENCH_DATABASE_URL first (required)")
    parser.add_argument("--profile", choices=("close", "letters", "notices"), default=None)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url or not args.reset:
        sys.exit("Set BENCH_DATABASE_URL and pass --reset (the database is emptied).")
    url = normalise_database_url(url)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        reset(url, tmp)
        app = make_app(url, tmp)
        with app.app_context():
            run(app, args)


def run(app, args) -> None:
    from app.extensions import db
    from app.models import OutboxMessage
    from app.services.delivery import outbox
    meeting_id = seed(args.cases)
    counter = Counter(db.engine)
    caught: list[list[int]] = []
    dispatch, together = outbox.dispatch, outbox.dispatch_together
    outbox.dispatch = lambda ids: caught.append(list(ids))
    outbox.dispatch_together = lambda ids: caught.append(list(ids))
    try:
        phase("close", args.cases, counter, lambda: close(meeting_id), args.profile == "close", args.top)
        ids = [i for batch in caught for i in batch]
        caught.clear()
        batches, singles = outbox._letter_batches(ids)
        db.session.rollback()
        print(f"  the close wrote {len(ids)} outbox rows: {len(batches)} letter batches, {len(singles)} others")
        letter_ids = set(db.session.scalars(db.select(OutboxMessage.id).where(OutboxMessage.channel == "letter")))
        db.session.rollback()
        mine = [b for b in batches if b[0] in letter_ids]
        phase("letters", args.cases, counter, lambda: [outbox.deliver_batch(b) for b in mine],
              args.profile == "letters", args.top)
        notices = [b for b in batches if b[0] not in letter_ids] + [singles] * bool(singles) + caught
        count = sum(len(b) for b in notices)
        phase(f"e-mails ({count / args.cases:.0f} per case)", args.cases, counter,
              lambda: [outbox.deliver_batch(list(b)) for b in notices], args.profile == "notices", args.top)
    finally:
        outbox.dispatch, outbox.dispatch_together = dispatch, together


if __name__ == "__main__":
    main()

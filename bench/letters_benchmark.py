"""Benchmark of decision letters for a 1,000-case committee meeting (a script, not a test).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fs_bench_letters \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/letters_benchmark.py --reset [--cases 1000] [--smoke]

Each on a fresh schema built by the real migrations:
1. the pure renderer alone (app.pdf.letter.render_decision_letter): t, the p50 of one letter's render;
2. one process (not with --smoke): the chair closes the meeting (one commit), then every letter row is delivered
   in this process one by one through the real outbox (render, store, publish, e-mail notice);
3. Celery: the meeting is closed with the real broker and `celery worker --concurrency=2` delivers the letters
   (in batches) and their e-mails. "Delivered" runs from the chair's close until every letter is stored and
   published and every e-mail notice is sent.
The last line is the target: delivered / (N x t / workers) <= 1.5. --smoke: 20 cases, seconds, for CI.
E-mails go to a log file. BENCH_DATABASE_URL is emptied with --reset; BENCH_REDIS_URL's database is flushed.
"""
from __future__ import annotations

import argparse
import base64
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import clock  # noqa: E402  (the app's one source of time: the letters are dated by it)
from config import TestingConfig, normalise_database_url  # noqa: E402


# The app refuses the development secrets on PostgreSQL: this run's own, also handed to the worker.
SECRETS = {"SECRET_KEY": uuid.uuid4().hex, "TOTP_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode()}


def make_app(url: str, tmp: Path, redis_url: str | None = None):
    from app import create_app
    overrides = {"SQLALCHEMY_DATABASE_URI": url, "MAIL_LOG_PATH": str(tmp / "mail.log"),
                 "UPLOAD_FOLDER": str(tmp / "files"), **SECRETS}
    app = create_app(TestingConfig, **overrides)
    if redis_url:
        app.config["CELERY"] = {**app.config["CELERY"], "broker_url": redis_url, "task_always_eager": False}
        app.extensions["celery"].conf.update(broker_url=redis_url, task_always_eager=False)
    return app


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
        upgrade()
        from app.extensions import db
        db.engine.dispose()


def seed(cases: int) -> int:
    """A committee, a pool, `cases` associations with one case each in state committee, all on one agenda."""
    from app.extensions import db
    from app.models import (AgendaItem, Association, Case, Committee, CommitteeMember, LegalBasis, Meeting, Pool,
                            User)
    from app.services.accounts.passwords import hash_password
    pw = hash_password("bench-adgangskode-42")
    chair = User(email="chair@bench.dk", full_name="Lise Dahl", role="committee_member", password_hash=pw)
    # Ten caseworkers share the agenda, as in a municipality's department: each is told of their cases.
    caseworkers = [User(email=f"cw{n}@bench.dk", full_name=f"Sagsbehandler {n}", role="caseworker", password_hash=pw,
                        phone="70 10 20 31") for n in range(10)]
    db.session.add_all([chair, *caseworkers])
    committee = Committee(name="Kultur- og Fritidsudvalget")
    db.session.add(committee)
    db.session.flush()
    db.session.add(CommitteeMember(committee_id=committee.id, user_id=chair.id, is_chair=True))
    basis = LegalBasis(code="bench-18", name="folkeoplysningslovens § 18",
                       appeal_text="Du kan klage til kommunen inden 4 uger.")
    db.session.add(basis)
    db.session.flush()
    pool = Pool(slug="bench", name="Aktivitetstilskud 2026", committee_id=committee.id, workflow="subsidy", year=2026,
                budget=10 ** 9, is_rolling=True, delegation_limit=1_000, report_due_days=90, legal_basis_id=basis.id)
    db.session.add(pool)
    db.session.flush()
    associations = [Association(name=f"Forening nr. {n} – Østerbyens Idræt", cvr=f"{10_000_000 + n}",
                                contact_email=f"forening{n}@bench.example", street=f"Foreningsvej {n}",
                                postcode="9999", city="Eksempelby") for n in range(cases)]
    db.session.add_all(associations)
    db.session.flush()
    now = clock.now()
    rows = [Case(number=f"2026-{n + 1:06d}", pool_id=pool.id, association_id=a.id, workflow="subsidy",
                 state="committee", title=f"Sommerlejr og træningsudstyr {n}", amount_applied=20_000 + n,
                 recommended_amount=15_000 + n, hearing_confirmed=True, assignee=caseworkers[n % 10],
                 submitted_at=now,
                 data={}) for n, a in enumerate(associations)]
    db.session.add_all(rows)
    db.session.flush()
    meeting = Meeting(committee_id=committee.id, meeting_date=clock.today(), title="Ordinært møde", location="Rådhuset")
    db.session.add(meeting)
    db.session.flush()
    db.session.add_all([AgendaItem(meeting_id=meeting.id, case_id=c.id, position=n, proposal="grant")
                        for n, c in enumerate(rows)])
    db.session.commit()
    return meeting.id


def close(meeting_id: int) -> float:
    from app.extensions import db
    from app.models import User
    from app.services.committee import decisions
    chair = db.session.scalar(sa.select(User).where(User.email == "chair@bench.dk"))
    started = time.perf_counter()
    assert decisions.close_meeting(meeting_id, chair)
    return time.perf_counter() - started


def letter_ids() -> list[int]:
    from app.extensions import db
    from app.models import OutboxMessage
    ids = list(db.session.scalars(sa.select(OutboxMessage.id).where(OutboxMessage.template == "decision_letter")
                                  .order_by(OutboxMessage.id)))
    db.session.rollback()
    return ids


def bench_pure(n: int) -> float:
    """p50 of one letter's render time, seconds (after a warm-up letter: fonts and styles are built once)."""
    from dataclasses import replace
    from tests.pdf.conftest import letter
    from app.pdf.letter import render_decision_letter
    created, data = clock.now(), letter()
    render_decision_letter(data, created)
    times = []
    for i in range(n):
        one = replace(data, case_number=f"2026-{i:06d}")
        started = time.perf_counter()
        render_decision_letter(one, created)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_one_process(url: str, tmp: Path, cases: int) -> tuple[float, float]:
    reset(url, tmp)
    app = make_app(url, tmp)
    with app.app_context():
        from app.services.delivery import outbox
        meeting_id = seed(cases)
        dispatch, outbox.dispatch = outbox.dispatch, lambda ids: None  # deliver below, one by one
        try:
            closing = close(meeting_id)
        finally:
            outbox.dispatch = dispatch
        ids = letter_ids()
        started = time.perf_counter()
        for message_id in ids:  # each delivery dispatches its e-mail notice, sent at once (eager)
            assert outbox.deliver(message_id) == "delivered"
        return closing, len(ids) / (time.perf_counter() - started)


WORKERS = 2


def bench_celery(url: str, redis_url: str, tmp: Path, cases: int) -> tuple[float, float, float, float]:
    """(close, letters available, letters and notices delivered), seconds from the chair's close, and the CPU
    seconds the worker and its pool used from their start to their end (wall time says little on a loaded
    machine; this does not count PostgreSQL's share)."""
    import redis
    reset(url, tmp)
    redis.Redis.from_url(redis_url).flushdb()
    app = make_app(url, tmp, redis_url)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FLASK_CONFIG": "production", "DATABASE_URL": url,
           "REDIS_URL": redis_url, **SECRETS, "MAIL_BACKEND": "log",
           "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
           "MAIL_LOG_PATH": str(tmp / "worker-mail.log")}
    with app.app_context():
        meeting_id = seed(cases)
        log = (tmp / "worker.log").open("wb")
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker = subprocess.Popen([str(Path(sys.executable).with_name("celery")), "-A", "wsgi:celery_app", "worker",
                                   f"--concurrency={WORKERS}", "--pool=prefork", f"--loglevel={os.environ.get('BENCH_WORKER_LOGLEVEL', 'WARNING')}",
                                   "--without-gossip", "--without-mingle", "--without-heartbeat"], cwd=ROOT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_for_worker(app, worker, tmp / "worker.log")  # the time below starts at the close
            started = time.perf_counter()
            closing = close(meeting_id)
            letters_done = _wait(lambda: _count_delivered("decision_letter") >= cases, started)
            # Every e-mail the close caused: the applicants' notices and what the caseworkers are told.
            mails_done = _wait(lambda: _count_delivered("decision_notice") >= cases and _undelivered_emails() == 0,
                               started)
        finally:
            os.killpg(worker.pid, 15)
            worker.wait(30)  # the worker waits for its pool: their CPU lands in this process's children
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            worker_cpu = sum(getattr(children, f) - getattr(children_before, f) for f in ("ru_utime", "ru_stime"))
            _remove_worker_files()
            if os.environ.get("BENCH_KEEP_LOG"):
                Path(os.environ["BENCH_KEEP_LOG"]).write_bytes((tmp / "worker.log").read_bytes())
        return closing, letters_done, mails_done, worker_cpu


def _wait_for_worker(app, worker: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    """Until the worker answers a ping (its pool is up), so its start-up is not counted."""
    started = time.perf_counter()
    while not app.extensions["celery"].control.ping(timeout=0.5):
        if worker.poll() is not None or time.perf_counter() - started > timeout:
            raise SystemExit("the Celery worker did not start:\n" + log.read_text(errors="replace")[-3000:])


def _count_delivered(template: str) -> int:
    from app.extensions import db
    from app.models import OutboxMessage
    n = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.template == template, OutboxMessage.status == "delivered"))
    db.session.rollback()
    return n


def _undelivered_emails() -> int:
    from app.extensions import db
    from app.models import OutboxMessage
    n = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.channel == "email", OutboxMessage.status != "delivered"))
    db.session.rollback()
    return n


def _wait(condition, started: float, timeout: float = 1800) -> float:
    while not condition():
        if time.perf_counter() - started > timeout:
            raise SystemExit("timed out")
        time.sleep(0.2)
    return time.perf_counter() - started


def _remove_worker_files() -> None:
    """The workers store under instance/files (production default); remove what this run put there."""
    from app.extensions import db
    from app.models import Document
    folder = ROOT / "instance" / "files"
    for key in db.session.scalars(sa.select(Document.storage_key)):
        (folder / key[:2] / key).unlink(missing_ok=True)
    db.session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=None, help="cases on the agenda (1000; 20 with --smoke)")
    parser.add_argument("--reset", action="store_true", help="empty BENCH_DATABASE_URL first (required)")
    parser.add_argument("--smoke", action="store_true", help="20 cases, Celery only: seconds, for CI")
    args = parser.parse_args()
    url, redis_url = os.environ.get("BENCH_DATABASE_URL"), os.environ.get("BENCH_REDIS_URL")
    if not url or not redis_url or not args.reset:
        sys.exit("Set BENCH_DATABASE_URL and BENCH_REDIS_URL and pass --reset (the database is emptied).")
    url = normalise_database_url(url)
    cases = args.cases or (20 if args.smoke else 1000)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        t = bench_pure(50 if args.smoke else 200)
        print(f"pure renderer: t = {t * 1000:.1f} ms per letter (p50), {1 / t:.0f} letters/s")
        if not args.smoke:
            closing, rate = bench_one_process(url, tmp, cases)
            print(f"one process: close of {cases} cases (one commit) {closing:.2f} s; "
                  f"then one by one through the outbox: {rate:.1f} letters/s")
        closing, letters, delivered, worker_cpu = bench_celery(url, redis_url, tmp, cases)
        print(f"celery, {WORKERS} worker processes: close {closing:.2f} s; every letter available after "
              f"{letters:.1f} s; every letter and e-mail notice delivered after {delivered:.1f} s "
              f"({cases / delivered:.0f} letters + notices/s)")
        print(f"celery worker CPU, start to stop: {worker_cpu:.1f} s ({worker_cpu / cases * 1000:.1f} ms a case, "
              f"{worker_cpu / (cases * t):.1f} x t)")
        ideal = cases * t / WORKERS
        ratio = delivered / ideal
        verdict = "OK" if ratio <= TARGET else "OVER"
        print(f"RATIO {cases}-case meeting delivered / (N x t / workers): {ratio:.1f} (target <= {TARGET}) "
              f"{verdict}{' (smoke)' if args.smoke else ''}")


TARGET = 1.5


if __name__ == "__main__":
    main()

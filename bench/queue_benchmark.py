"""Benchmark of the caseworker's queue at 10,000 and 1,000,000 cases on PostgreSQL (a script, not a test).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fs_bench .venv/bin/python bench/queue_benchmark.py --reset

It builds the schema with the real migrations in two databases, the large one named by BENCH_DATABASE_URL and
the small one beside it (BENCH_SMALL_DATABASE_URL, by default the same name with "_small", created if missing),
seeds cases with generate_series (indexes are dropped during the big insert and built again afterwards), then
times the real service functions (app.services.cases.queue.page and .counts) and the real view through the Flask
test client, the two databases taking turns, and prints median and 95th percentile per scenario together with
EXPLAIN (ANALYZE, BUFFERS) of every statement. Both databases are emptied with --reset: give them to it alone.
Then it serves the 1M database with gunicorn (2 sync workers) and compares the queue's throughput with the
front page's. The caseworker logs in through the real two-factor step: the script enrols him with the
real service (as the e-mailed link's set-up page would) and gives codes from his authenticator key.
`--smoke` runs every step at small sizes in seconds (for CI). The RATIO lines come last.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode, urlsplit
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import TestingConfig, normalise_database_url  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-adgangskode-42"
CASEWORKER = "sagsbehandler1@bench.dk"
SECRET_KEY = "queue-benchmark-not-a-real-secret"
VIEW_TARGET = 1.2
THROUGHPUT_TARGET = 0.35
CASEWORKERS = 20
ASSOCIATIONS = 5_000
POOLS = 20
TITLES = ["Sommerlejr for børn", "Nye fodboldmål", "Træningsdragter til ungdomsholdet", "Kajakker til klubben",
          "Julefrokost for frivillige", "Foredragsrække om lokalhistorie", "Lektiecafé for skolebørn",
          "Besøgsvenner til ældre", "Nye instrumenter til orkestret", "Svømmehold for nye danskere",
          "Teaterforestilling i kulturhuset", "Fællesspisning i foreningshuset", "Cykelværksted for unge",
          "Naturture for familier", "Skakturnering for skoler", "Pigefodbold for 10-12-årige"]
WORDS = ["børn", "unge", "ældre", "frivillige", "træning", "udstyr", "lokaler", "transport", "kursus", "weekend",
         "sommer", "vinter", "skole", "musik", "idræt", "natur", "fællesskab", "integration", "sundhed", "kultur",
         "turnering", "lejr", "bus", "forplejning", "materialer", "instruktører", "hal", "bane", "telte", "kanoer"]
# (upper bound of random(), subsidy state, premises state): 12 % open, the rest history.
STATES = [(0.03, "submitted", "requested"), (0.06, "screening", "requested"),
          (0.07, "needs_information", "needs_information"), (0.09, "assessment", "requested"),
          (0.10, "recommended", "committee"), (0.11, "committee", "committee"), (0.12, "report_due", "approved"),
          (0.20, "granted", "approved"), (0.25, "partly_granted", "partly_approved"), (0.33, "rejected", "rejected"),
          (0.43, "paid", "approved"), (0.47, "withdrawn", "withdrawn"), (1.01, "closed", "closed")]
OPEN = ("submitted", "screening", "needs_information", "assessment", "recommended", "committee", "report_due",
        "requested")


def make_app(url: str, totp_key: str):
    from app import create_app
    return create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=SECRET_KEY,
                      TOTP_ENCRYPTION_KEYS=(totp_key,))


def bench_totp_key(url: str) -> str:
    """A Fernet key for the TOTP secrets, derived from the database URL so a rerun on the same data reads them."""
    import base64
    import hashlib
    return base64.urlsafe_b64encode(hashlib.sha256(("queue-bench " + url).encode()).digest()).decode()


def small_database_url(url: str) -> str:
    """The small size's database beside the large one: the same server, the name with "_small"."""
    parsed = sa.engine.make_url(url)
    return parsed.set(database=f"{parsed.database}_small").render_as_string(hide_password=False)


def ensure_database(url: str, server_url: str) -> str:
    """Create the database of `url` on the server of `server_url` if it is not there; returns `url`."""
    name = sa.engine.make_url(url).database
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return url


def reset_and_migrate(app, reset: bool) -> None:
    from flask_migrate import upgrade
    from app.extensions import db
    with db.engine.begin() as conn:
        tables = sa.inspect(conn).get_table_names()
        if tables and not reset:
            sys.exit("The database is not empty; run again with --reset to empty it (it is dropped!).")
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"))
    upgrade(revision="heads")


def seed_reference_data() -> None:
    """Committees, pools, caseworkers (one with a known password) and associations."""
    from app.extensions import db
    from app.services.accounts.passwords import hash_password
    with db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO committees (name) SELECT 'Udvalg ' || i FROM generate_series(1, 3) i"))
        conn.execute(sa.text("""
            INSERT INTO pools (slug, name, purpose, committee_id, workflow, applicants, year, budget, is_rolling,
                               accepts_late, late_reduction_per_month, delegation_limit, reply_days, rules_text,
                               requires_approval, requires_child_certificate, is_published, created_at,
                               updated_at, payment_mode, instalment_count, instalment_interval, advance_allowed)
            SELECT 'pulje-' || i, 'Pulje ' || i, '', 1 + i % 3,
                   CASE WHEN i > 18 THEN 'premises_loan' WHEN i > 16 THEN 'new_initiative' ELSE 'subsidy' END,
                   'associations', 2026, 1000000, true, false, 0, 25000, 14, '', false, false, true, now(), now(),
                   'single', 1, 1, false
            FROM generate_series(1, :n) i"""), {"n": POOLS})
        conn.execute(sa.text("""
            INSERT INTO users (email, password_hash, full_name, role, is_active, password_changed_at, created_at,
                               email_confirmed_at)
            SELECT 'sagsbehandler' || i || '@bench.dk', :hash, 'Sagsbehandler ' || i, 'caseworker', true, now(), now(), now()
            FROM generate_series(1, :n) i"""), {"hash": hash_password(PASSWORD), "n": CASEWORKERS})
        conn.execute(sa.text("""
            INSERT INTO associations (name, cvr, is_informal, contact_email, works_with_children, created_at,
                                      updated_at)
            SELECT (ARRAY['Boldklubben', 'Idrætsforeningen', 'Spejderne', 'Foreningen', 'Klubben'])[1 + i % 5]
                   || ' ' || (ARRAY['Nord', 'Syd', 'Øst', 'Vest', 'Centrum', 'Stjernen', 'Solsikken'])[1 + i % 7]
                   || ' ' || i,
                   lpad((10000000 + i)::text, 8, '0'), false, 'kontakt' || i || '@forening.example', i % 2 = 0, now(),
                   now()
            FROM generate_series(1, :n) i"""), {"n": ASSOCIATIONS})


def enrol_caseworker() -> None:
    """Two-factor for the bench caseworker through the real services (what the set-up page does)."""
    from app.models.user import find_user_by_email
    from app.services.accounts import two_factor
    user = find_user_by_email(CASEWORKER)
    secret = two_factor.start_enrolment(user)
    two_factor.confirm_enrolment(find_user_by_email(CASEWORKER), totp_code(secret, None))


def totp_code(secret: str, last_step: int | None) -> str:
    """A code the app accepts now: the current step, else the next; waits for a new step when both are used."""
    import pyotp
    from app import clock
    totp = pyotp.TOTP(secret)
    while True:
        now = totp.timecode(clock.timestamp())
        for step in (now, now + 1):
            if last_step is None or step > last_step:
                return totp.generate_otp(step)
        time.sleep(1)


def caseworker_code() -> str:
    from app.extensions import db
    from app.models.user import find_user_by_email
    user = find_user_by_email(CASEWORKER)
    code = totp_code(user.totp_secret, user.totp_last_step)
    db.session.remove()
    return code


def _state_case(column: str) -> str:
    whens = " ".join(f"WHEN r_state < {bound} THEN '{subsidy if column == 'subsidy' else premises}'"
                     for bound, subsidy, premises in STATES)
    return f"CASE {whens} END"


INSERT_CASES = f"""
INSERT INTO cases (number, pool_id, association_id, workflow, state, version, title, amount_applied,
                   recommended_amount, granted_amount, data, assignee_id, created_at, submitted_at, decided_at,
                   reply_deadline, report_due_on, hearing_confirmed, updated_at)
SELECT number, pool_id, association_id, workflow, state, 1, title, amount, NULL, NULL, data,
       CASE WHEN r_who < 0.8 OR state NOT IN {OPEN} THEN 1 + floor(r_who * 1000)::int % {CASEWORKERS} END,
       submitted - interval '1 day', submitted,
       CASE WHEN state NOT IN {OPEN} AND state <> 'withdrawn' THEN submitted + interval '30 days' END,
       -- Asked for information some time between submission and today, with 14 days to answer (as the pools
       -- reply_days). The oldest cases are the likeliest to be overdue, and no deadline comes before submission.
       CASE WHEN state = 'needs_information' THEN (submitted + r_asked * (now() - submitted) + interval '14 days')::date
       END,
       CASE WHEN state IN ('paid', 'report_due', 'closed') THEN (submitted + interval '200 days')::date END,
       false, submitted
FROM (
    SELECT g.*, CASE WHEN g.workflow = 'premises_loan' THEN {_state_case('premises')} ELSE {_state_case('subsidy')} END
                AS state,
           now() - CASE WHEN g.r_state < 0.12 THEN g.r_age * interval '120 days'
                        ELSE interval '120 days' + g.r_age * interval '3530 days' END AS submitted
    FROM (
        SELECT (2016 + i % 10)::text || '-' || lpad(i::text, 7, '0') AS number,
               1 + i % {POOLS} AS pool_id, 1 + (i::bigint * 7919) % {ASSOCIATIONS} AS association_id,
               CASE WHEN 1 + i % {POOLS} > 18 THEN 'premises_loan' WHEN 1 + i % {POOLS} > 16 THEN 'new_initiative'
                    ELSE 'subsidy' END AS workflow,
               (ARRAY{TITLES!r})[1 + floor(random() * {len(TITLES)})::int] AS title,
               CASE WHEN 1 + i % {POOLS} > 18 OR random() < 0.05 THEN NULL
                    ELSE (1 + floor(random() * 200)::int) * 1000 END AS amount,
               json_build_object('description', 'Vi søger til ' ||
                   (ARRAY{WORDS!r})[1 + floor(random() * {len(WORDS)})::int] || ', ' ||
                   (ARRAY{WORDS!r})[1 + floor(random() * {len(WORDS)})::int] || ' og ' ||
                   (ARRAY{WORDS!r})[1 + floor(random() * {len(WORDS)})::int],
                   'participants', floor(random() * 200)::int) AS data,
               random() AS r_state, random() AS r_age, random() AS r_who, random() AS r_asked
        FROM generate_series(CAST(:start AS integer), CAST(:stop AS integer)) AS i
    ) g
) s
"""


def insert_cases(start: int, stop: int, rebuild_indexes: bool) -> float:
    """Insert cases start..stop; with rebuild_indexes the cases indexes are dropped and built again after."""
    from app.extensions import db
    began = time.perf_counter()
    with db.engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL maintenance_work_mem = '512MB'"))
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))  # generated rows: skip FK triggers
        indexes = []
        if rebuild_indexes:
            indexes = conn.execute(sa.text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases' AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE conrelid = 'cases'::regclass)")).all()
            for name, _definition in indexes:
                conn.execute(sa.text(f'DROP INDEX "{name}"'))
        conn.execute(sa.text("SELECT setseed(0.42)"))
        conn.execute(sa.text(INSERT_CASES), {"start": start, "stop": stop})
        for _name, definition in indexes:
            conn.execute(sa.text(definition))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM (ANALYZE) cases"))
        conn.execute(sa.text("ANALYZE associations"))
        # Write the bulk load out now (as booking_benchmark does), so the checkpointer is not flushing a
        # million rows' pages while the large size is measured.
        conn.execute(sa.text("CHECKPOINT"))
    return time.perf_counter() - began


def scenarios():
    """(name, QueueFilter, query string of the same view)."""
    from app.services.cases.queue import QueueFilter as F
    return [
        ("default: open cases, oldest first", F(), ""),
        ("newest first", F(sort="newest"), "sortering=newest"),
        ("my cases", F(assignee="me"), "tildelt=me"),
        ("unassigned", F(assignee="none"), "tildelt=none"),
        ("pool 3, state screening", F(pool_id=3, status="screening"), "pulje=3&status=screening"),
        ("overdue replies", F(overdue=True), "overskredet=y"),
        ("sort by deadline", F(sort="deadline"), "sortering=deadline"),
        ("sort by amount", F(sort="amount"), "sortering=amount"),
        ("sort by association", F(sort="association"), "sortering=association"),
        ("amount 50.000-60.000 kr.", F(amount_min=50_000, amount_max=60_000), "beloeb_fra=50000&beloeb_til=60000"),
        ("association filter (name)", F(association="Stjernen 12"), "forening=Stjernen+12"),
        ("search 'kanoer'", F(q="kanoer"), "q=kanoer"),
        ("search 'kanoer', all states", F(q="kanoer", status="all"), "q=kanoer&status=all"),
        ("search a case number", F(q="2021-0000005", status="all"), "q=2021-0000005&status=all"),
        ("all states, newest first", F(status="all", sort="newest"), "status=all&sortering=newest"),
    ]


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(median, 95th percentile) in milliseconds."""
    samples = sorted(samples)
    return statistics.median(samples), samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]


def sample(call, runs: int) -> list[float]:
    """`runs` timings of `call`, in milliseconds."""
    out = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        out.append((time.perf_counter() - began) * 1000)
    return out


def explain(statements) -> str:
    from app.extensions import db
    out = []
    with db.engine.connect() as conn:
        for statement, parameters in statements:
            rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
            out.append("\n".join("    " + r[0] for r in rows))
    return "\n\n".join(out)


def capture(call) -> list:
    from app.extensions import db
    seen = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        call()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return seen


def logged_in_client(app):
    """A test client logged in as the bench caseworker: password, then the code from his authenticator."""
    client = app.test_client()
    response = client.post("/konto/log-ind", data={"email": CASEWORKER, "password": PASSWORD})
    assert response.status_code == 302 and urlsplit(response.location).path == "/konto/to-faktor", \
        f"password step: {response.status_code} {response.location}"
    with app.app_context():
        code = caseworker_code()
    response = client.post("/konto/to-faktor", data={"code": code})
    assert response.status_code == 302 and urlsplit(response.location).path == "/sagsbehandling/", \
        f"code step: {response.status_code} {response.location}"
    return client


STEPS = ("page", "next", "counts", "view")


def _steps(app, client, f, query: str, show_plans: bool) -> tuple[dict, str]:
    """The timed steps of one scenario on one database ({step: call or None}) and, if asked, the plans.

    The service steps (page, next page, counts) run in the app's context, the view through the test client."""
    from app.extensions import db
    from app.services.cases import queue
    user = SimpleNamespace(id=1, role="caseworker")  # the queue reads only the id

    def service():
        queue.page(f, user)
        queue.counts(f, user)
        db.session.rollback()

    with app.app_context():
        second = queue.page(f, user).next_cursor
        service()  # warm the caches once
        plans = explain(capture(service)) if show_plans else ""
        db.session.remove()
    url = "/sagsbehandling/" + (f"?{query}" if query else "")
    status = client.get(url).status_code
    assert status == 200, f"{url}: {status}"
    steps = {"page": lambda: (queue.page(f, user), db.session.rollback()),
             "next": (lambda: (queue.page(f, user, second), db.session.rollback())) if second else None,
             "counts": lambda: (queue.counts(f, user), db.session.rollback()),
             "view": lambda: client.get(url)}
    return steps, plans


def measure(sizes: list[tuple], runs: int, turns: int, show_plans: bool) -> list[tuple]:
    """Time every scenario on every database (label, app, client), the databases taking turns.

    The machine's speed drifts over minutes (another process, the checkpointer, the CPU's clock), and a size
    measured minutes after the other carries that drift into their ratio. So each step is sampled in `turns`
    slices per database, in the order small, large, large, small, small, ...: a steady drift falls on both."""
    from app.extensions import db
    rows = []
    per_turn = max(1, -(-runs // turns))
    for name, f, query in scenarios():
        steps, samples = {}, {}
        for label, app, client in sizes:
            steps[label], plans = _steps(app, client, f, query, show_plans)
            samples[label] = {step: [] for step in STEPS}
            if show_plans:
                print(f"\n=== {label} cases · {name}: EXPLAIN (ANALYZE, BUFFERS) of each statement of page + counts")
                print(plans)
        for turn in range(turns):
            for label, app, _client in (sizes if turn % 2 == 0 else sizes[::-1]):
                for step in STEPS:
                    call = steps[label][step]
                    if call is None:
                        continue
                    if step == "view":
                        samples[label][step] += sample(call, per_turn)
                    else:
                        with app.app_context():
                            samples[label][step] += sample(call, per_turn)
                            db.session.remove()  # no open transaction may hold a lock on the other database
        for label, _app, _client in sizes:
            got = {step: percentiles(values) if values else None for step, values in samples[label].items()}
            rows.append((label, name, got["page"], got["next"], got["counts"], got["view"]))
    return rows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with 2 sync workers serving wsgi:app on the bench database (development config via env)."""

    def __init__(self, url: str, totp_key: str):
        self.port = free_port()
        env = {**os.environ, "FLASK_CONFIG": "development", "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY,
               "TOTP_ENCRYPTION_KEYS": totp_key}
        env.pop("REDIS_URL", None)
        self.process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", "2", "--worker-class", "sync",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env)
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited with {self.process.returncode}")
            try:
                if self.request("GET", "/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        sys.exit("gunicorn did not answer within 60 s")

    def request(self, method: str, path: str, cookie: str = "", form: dict | None = None):
        """(status, headers, body) of one request on a new connection."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            headers = {"Cookie": cookie} if cookie else {}
            body = None
            if form is not None:
                body = urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _cookie(headers, cookie: str) -> str:
    """The session cookie after a response (the app keeps one cookie, `session`)."""
    for value in headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        if name.strip() == "session":
            cookie = f"session={rest.split(';')[0]}"
    return cookie


def _csrf(body: bytes) -> str:
    found = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body) or \
        re.search(rb'name="csrf_token" value="([^"]+)"', body)
    assert found, "no CSRF token on the form"
    return found.group(1).decode()


def http_login(server: Server, app) -> str:
    """Log the caseworker in over HTTP like a browser (CSRF tokens, password, code); returns the cookie."""
    status, headers, body = server.request("GET", "/konto/log-ind")
    cookie = _cookie(headers, "")
    status, headers, _ = server.request("POST", "/konto/log-ind", cookie, {
        "csrf_token": _csrf(body), "email": CASEWORKER, "password": PASSWORD})
    assert status == 302 and urlsplit(headers["Location"]).path == "/konto/to-faktor", f"password step: {status}"
    cookie = _cookie(headers, cookie)
    status, headers, body = server.request("GET", "/konto/to-faktor", cookie)
    cookie = _cookie(headers, cookie)
    with app.app_context():
        code = caseworker_code()
    status, headers, _ = server.request("POST", "/konto/to-faktor", cookie, {"csrf_token": _csrf(body),
                                                                             "code": code})
    assert status == 302 and urlsplit(headers["Location"]).path == "/sagsbehandling/", f"code step: {status}"
    return _cookie(headers, cookie)


def throughput(server: Server, path: str, cookie: str, seconds: float, connections: int) -> float:
    """Requests per second of `connections` threads, each on one keep-alive connection, for `seconds`."""
    counts, failures = [0] * connections, []
    stop_at = time.monotonic() + seconds

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        headers = {"Cookie": cookie} if cookie else {}
        while time.monotonic() < stop_at:
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                conn.close()  # gunicorn's sync workers close the connection: open a new one
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                continue
            if response.status != 200:
                failures.append(response.status)
                return
            counts[i] += 1
        conn.close()

    began = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, f"GET {path}: status {failures[0]}"
    return sum(counts) / (time.monotonic() - began)


def measure_throughput(url: str, totp_key: str, app, seconds: float, connections: int) -> tuple[float, float]:
    """(front page req/s, queue req/s) under gunicorn on the same server, taken in turns.

    Each page gets `seconds` in all, in slices of at most 5 s that alternate: the machine's speed drifts
    (the front page alone served 221 and 329 req/s in two runs an hour apart), and one page measured
    before the other would carry that drift into their ratio."""
    server = Server(url, totp_key)
    rounds = max(1, round(seconds / 5))
    try:
        cookie = http_login(server, app)
        throughput(server, "/", "", 1, connections)  # warm both workers
        throughput(server, "/sagsbehandling/", cookie, 1, connections)
        front, queue = [], []
        for _ in range(rounds):
            front.append(throughput(server, "/", "", seconds / rounds, connections))
            queue.append(throughput(server, "/sagsbehandling/", cookie, seconds / rounds, connections))
    finally:
        server.stop()
    return sum(front) / rounds, sum(queue) / rounds


def report(rows: list[tuple]) -> None:
    def fmt(pair):
        return "–" if pair is None else f"{pair[0]:7.1f} {pair[1]:7.1f}"
    print("\n" + "=" * 118)
    print(f"{'cases':>10} | {'scenario':<32} | {'page p50   p95':>15} | {'page 2 p50 p95':>15} | "
          f"{'counts p50 p95':>15} | {'view p50   p95':>15}   (ms)")
    print("-" * 118)
    for label, name, page_ms, next_ms, counts_ms, view_ms in rows:
        print(f"{label:>10} | {name:<32} | {fmt(page_ms):>15} | {fmt(next_ms):>15} | {fmt(counts_ms):>15} | "
              f"{fmt(view_ms):>15}")


def ratios(rows: list[tuple], small: str, large: str, front: float, queue: float, smoke: bool) -> bool:
    """Print the RATIO lines (last); True when every target is met."""
    by = {(label, name): (page_ms, view_ms) for label, name, page_ms, _next, _counts, view_ms in rows}
    tag, ok = " (smoke)" if smoke else "", True
    print()
    for name in dict.fromkeys(name for _label, name, *_ in rows):
        (page_s, view_s), (page_l, view_l) = by[(small, name)], by[(large, name)]
        ratio = view_l[1] / view_s[1]
        ok &= ratio <= VIEW_TARGET
        print(f"RATIO queue view p95 {large}/{small} [{name}]: {ratio:.2f} (target <= {VIEW_TARGET}) "
              f"{'OK' if ratio <= VIEW_TARGET else 'MISSED'}{tag}")
        print(f"RATIO queue page p95 {large}/{small} [{name}]: {page_l[1] / page_s[1]:.2f}{tag}")
    share = queue / front
    ok &= share >= THROUGHPUT_TARGET
    print(f"RATIO queue/front page req/s under gunicorn (2 sync workers, {large} cases): {share:.2f} "
          f"({queue:.1f} / {front:.1f} req/s; target >= {THROUGHPUT_TARGET}) "
          f"{'OK' if share >= THROUGHPUT_TARGET else 'MISSED'}{tag}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reset", action="store_true", help="empty the benchmark database first")
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=100,
                        help="samples per step and size (the p95 of 30 is their second largest: mostly noise)")
    parser.add_argument("--turns", type=int, default=10,
                        help="slices per step in which the two databases take turns (drift falls on both)")
    parser.add_argument("--seconds", type=float, default=20, help="load per page under gunicorn")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections under gunicorn")
    parser.add_argument("--no-plans", action="store_true")
    parser.add_argument("--smoke", action="store_true",
                        help="every step at small sizes (300 and 3,000 cases, 2 runs, 1 s of load, no plans)")
    args = parser.parse_args()
    if args.smoke:
        args.small, args.large, args.runs, args.turns, args.seconds, args.no_plans = 300, 3_000, 2, 2, 1, True
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url or not url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        sys.exit("Set BENCH_DATABASE_URL to a PostgreSQL database of its own.")
    url = normalise_database_url(url)
    small_url = ensure_database(normalise_database_url(os.environ.get("BENCH_SMALL_DATABASE_URL")
                                                       or small_database_url(url)), url)
    small, large = f"{args.small:,}", f"{args.large:,}"
    sizes = []
    for label, db_url, count in ((small, small_url, args.small), (large, url, args.large)):
        totp_key = bench_totp_key(db_url)
        app = make_app(db_url, totp_key)
        with app.app_context():
            reset_and_migrate(app, args.reset)
            seed_reference_data()
            enrol_caseworker()
            # The large database starts as the small one (same seed) and grows with the indexes dropped.
            seconds = insert_cases(1, args.small, rebuild_indexes=False)
            if count > args.small:
                seconds += insert_cases(args.small + 1, count, rebuild_indexes=True)
            print(f"seeded {count:,} cases in {db_url.rsplit('/', 1)[-1]} in {seconds:.1f} s", flush=True)
        sizes.append((label, app, logged_in_client(app)))
    rows = measure(sizes, args.runs, args.turns, not args.no_plans)
    app, totp_key = sizes[-1][1], bench_totp_key(url)
    front, queue = measure_throughput(url, totp_key, app, args.seconds, args.connections)
    report(rows)
    print(f"\ngunicorn, 2 sync workers, {args.connections} connections, {args.seconds:g} s each in 5 s turns: "
          f"GET / {front:.1f} req/s, GET /sagsbehandling/ {queue:.1f} req/s")
    ratios(rows, small, large, front, queue, args.smoke)


if __name__ == "__main__":
    main()

"""One clock: app/clock.py is the only code that reads the system time, and it keeps Danish dates.

A test that asks the wall clock for "today" is flaky around Danish midnight (CI runs in UTC), and a
service that does cannot be tested at "31 December 23:30" at all; the guard below walks the source.
"""
from __future__ import annotations

import ast
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from app import clock

ROOT = Path(__file__).resolve().parents[1]
CLOCK = ROOT / "app" / "clock.py"
# date.today, datetime.now, datetime.utcnow, datetime.today, TOTP.now, pendulum.now ...: any `.now`,
# `.today` or `.utcnow` that is not the clock's. Referenced or called: `default=date.today` reads it too.
READER_ATTRS = {"now", "today", "utcnow"}
TIME_READERS = {"time", "time_ns", "localtime", "gmtime", "ctime", "asctime", "strftime"}
SQL_CLOCK_FUNCS = {"now", "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp",
                   "sysdate", "statement_timestamp", "transaction_timestamp", "clock_timestamp"}
SQL_CLOCK_TEXT = re.compile(r"\b(current_timestamp|current_date|current_time|localtimestamp|localtime|"
                            r"now\s*\(\s*\)|datetime\s*\(\s*'now'|date\s*\(\s*'now')", re.IGNORECASE)


def _dotted(node: ast.AST) -> str:
    """'a.b.c' for a chain of names and attributes, '' for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def clock_reads(source: str) -> list[tuple[int, str]]:
    """(line, what) for every read of the system or database clock in `source`."""
    tree = ast.parse(source)
    docstrings, found = _docstrings(tree), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "time":
            found += [(node.lineno, f"from time import {a.name}") for a in node.names if a.name in TIME_READERS]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app.models.base"):
            found += [(node.lineno, "utcnow") for a in node.names if a.name == "utcnow"]
        elif isinstance(node, ast.Name) and node.id == "utcnow":
            found.append((node.lineno, "utcnow"))
        elif isinstance(node, ast.FunctionDef) and node.name == "utcnow":
            found.append((node.lineno, "def utcnow"))
        elif isinstance(node, ast.Attribute):
            owner = _dotted(node.value)
            if node.attr in READER_ATTRS and owner != "clock":
                found.append((node.lineno, f"{owner or '…'}.{node.attr}"))
            elif owner == "time" and node.attr in TIME_READERS:
                found.append((node.lineno, f"time.{node.attr}"))
            elif owner.split(".")[-1] == "func" and node.attr.lower() in SQL_CLOCK_FUNCS:
                found.append((node.lineno, f"func.{node.attr}"))
        elif isinstance(node, ast.Call) and _dotted(node.func).split(".")[-1] == "formatdate" and not node.args \
                and not any(k.arg == "timeval" for k in node.keywords):
            found.append((node.lineno, "formatdate() without a time"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            match = SQL_CLOCK_TEXT.search(node.value)
            if match:
                found.append((node.lineno, f"SQL {match.group(0)}"))
    return sorted(set(found))


def _checked_files() -> list[Path]:
    files = [p for p in (ROOT / "app").rglob("*.py") if p != CLOCK]
    files += list((ROOT / "workflows").rglob("*.py"))
    return sorted(files) + [ROOT / "config.py", ROOT / "wsgi.py"]


def test_nothing_but_the_clock_reads_the_system_time():
    problems = []
    for path in _checked_files():
        rel = path.relative_to(ROOT).as_posix()
        problems += [f"{rel}:{line}: {what}" for line, what in clock_reads(path.read_text(encoding="utf-8"))]
    assert not problems, "Read the time through app.clock (now/today/local_now/timestamp):\n" + "\n".join(problems)


def test_the_benchmarks_drive_the_app_on_its_clock():
    """The benchmarks' Python reads the clock too (their bulk SQL seeding stamps rows with the database's now())."""
    problems = []
    for path in sorted((ROOT / "bench").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        problems += [f"{rel}:{line}: {what}" for line, what in clock_reads(path.read_text(encoding="utf-8"))
                     if not what.startswith("SQL ")]
    assert not problems, "Read the time through app.clock:\n" + "\n".join(problems)


def test_the_guard_walks_the_whole_app():
    rel = {p.relative_to(ROOT).as_posix() for p in _checked_files()}
    assert {"app/services/cases/transitions.py", "app/models/case.py", "workflows/engine.py", "config.py",
            "wsgi.py"} <= rel
    assert "app/clock.py" not in rel and not any(r.startswith("migrations/") for r in rel)


@pytest.mark.parametrize("snippet, what", [
    ("from datetime import date\nx = date.today()\n", "date.today"),
    ("import datetime\nx = datetime.date.today()\n", "datetime.date.today"),
    ("from datetime import datetime, timezone\nx = datetime.now(timezone.utc)\n", "datetime.now"),
    ("from datetime import datetime\nx = datetime.utcnow()\n", "datetime.utcnow"),
    ("from datetime import datetime\nx = datetime.today()\n", "datetime.today"),
    ("from datetime import date\ncol = Column(default=date.today)\n", "date.today"),
    ("import time\nx = time.time()\n", "time.time"),
    ("import time\nx = time.localtime()\n", "time.localtime"),
    ("import time\nx = time.gmtime()\n", "time.gmtime"),
    ("import time\nx = time.ctime()\n", "time.ctime"),
    ("from time import time\n", "from time import time"),
    ("from app.models.base import utcnow\n", "utcnow"),
    ("x = utcnow()\n", "utcnow"),
    ("import pyotp\ncode = pyotp.TOTP(s).now()\n", "….now"),
    ("from sqlalchemy import func\ncol = Column(server_default=func.now())\n", "func.now"),
    ("import sqlalchemy as sa\nq = sa.select(sa.func.current_date())\n", "func.current_date"),
    ("q = db.func.current_timestamp()\n", "func.current_timestamp"),
    ("q = text('SELECT * FROM t WHERE due < CURRENT_DATE')\n", "SQL CURRENT_DATE"),
    ("q = text('UPDATE t SET at = CURRENT_TIMESTAMP')\n", "SQL CURRENT_TIMESTAMP"),
    ("q = text('SELECT localtimestamp')\n", "SQL localtimestamp"),
    ("from email.utils import formatdate\nx = formatdate(localtime=True)\n", "formatdate() without a time"),
])
def test_the_guard_reports_a_read(snippet, what):
    reads = clock_reads(snippet)
    assert what in [w for _, w in reads], reads
    assert all(line >= 1 for line, _ in reads)


def test_the_guard_names_the_line():
    assert clock_reads("from datetime import date\n\n\ndef due():\n    return date.today()\n") == [(5, "date.today")]


def test_the_guard_lets_the_clock_through():
    snippet = ('"""Uses date.today() in a docstring only."""\nfrom app import clock\n'
               'a, b, c, d = clock.now(), clock.today(), clock.local_now(), clock.timestamp()\n'
               'col = Column(default=clock.now, onupdate=clock.now)\n'
               'from email.utils import formatdate\nx = formatdate(c.timestamp())\n')
    assert clock_reads(snippet) == []



def zone_definitions(source: str) -> list[tuple[int, str]]:
    """(line, what) for every time zone made outside the clock: ZoneInfo(...) or Flask-Babel's zone setting."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _dotted(node.func).split(".")[-1] in ("ZoneInfo", "timezone") \
                and node.args and not _dotted(node.args[0]).endswith("utc"):
            found.append((node.lineno, f"{_dotted(node.func)}(...)"))
        elif isinstance(node, ast.Constant) and node.value == "BABEL_DEFAULT_TIMEZONE":
            found.append((node.lineno, "BABEL_DEFAULT_TIMEZONE"))
    return found


def test_the_municipality_has_one_time_zone():
    """Danish dates and wall-clock times come from clock.TZ / clock.local(), not from zones made here and there."""
    problems = []
    for path in _checked_files():
        if path.name == "config.py":
            continue  # sets Flask-Babel's zone for the templates' date filters (checked against clock.TZ below)
        rel = path.relative_to(ROOT).as_posix()
        problems += [f"{rel}:{line}: {what}" for line, what in zone_definitions(path.read_text(encoding="utf-8"))]
    assert not problems, "Use app.clock.TZ or app.clock.local():\n" + "\n".join(problems)


@pytest.mark.parametrize("snippet", ['from zoneinfo import ZoneInfo\nz = ZoneInfo("Europe/Copenhagen")\n',
                                     'import zoneinfo\nz = zoneinfo.ZoneInfo(name)\n',
                                     'from datetime import timedelta, timezone\nz = timezone(timedelta(hours=1))\n',
                                     'z = current_app.config["BABEL_DEFAULT_TIMEZONE"]\n'])
def test_the_zone_guard_reports_a_zone(snippet):
    assert zone_definitions(snippet)


def test_the_zone_guard_lets_utc_and_the_clock_through():
    assert zone_definitions("from datetime import timezone\nfrom app import clock\n"
                            "a, b = timezone.utc, clock.local(x).astimezone(clock.TZ)\n") == []


def test_babels_zone_for_the_templates_is_the_clocks(app):
    """The date filters (Flask-Babel) and the services (clock) must agree on what day it is in Denmark."""
    from flask_babel import get_timezone
    from config import Config
    from app.main.template_helpers import day, day_only
    assert Config.BABEL_DEFAULT_TIMEZONE == clock.TZ.key
    new_years_night = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)
    with app.test_request_context():
        assert str(get_timezone()) == clock.TZ.key
        assert day_only(new_years_night) == "1. jan. 2027" and day(new_years_night) == "1. jan. 2027 00:30"


# The clock itself.

UTC = timezone.utc


def test_now_is_aware_utc_and_today_is_danish():
    clock.reset()
    assert clock.now().tzinfo is not None and clock.now().utcoffset() == timedelta(0)
    assert clock.today() == clock.local_now().date()
    assert clock.local_now().tzinfo == clock.TZ


def test_today_turns_at_copenhagen_midnight():
    with clock.frozen_at(datetime(2026, 12, 31, 22, 59, tzinfo=UTC)):
        assert clock.today() == date(2026, 12, 31)
    with clock.frozen_at(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)):  # 00:30 in Copenhagen
        assert clock.today() == date(2027, 1, 1)
        assert clock.now().date() == date(2026, 12, 31)
        assert clock.local_now().replace(tzinfo=None) == datetime(2027, 1, 1, 0, 30)


def test_summer_time_starts():
    """28 March 2027: at 02:00 (01:00 UTC) the clocks go forward to 03:00."""
    with clock.frozen_at(datetime(2027, 3, 28, 0, 59, tzinfo=UTC)):
        assert clock.local_now().replace(tzinfo=None) == datetime(2027, 3, 28, 1, 59)
        assert clock.local_now().utcoffset() == timedelta(hours=1)
    with clock.frozen_at(datetime(2027, 3, 28, 1, 0, tzinfo=UTC)):
        assert clock.local_now().replace(tzinfo=None) == datetime(2027, 3, 28, 3, 0)
        assert clock.local_now().utcoffset() == timedelta(hours=2)
        assert clock.today() == date(2027, 3, 28)
    with clock.frozen_at(datetime(2027, 3, 28, 21, 59, tzinfo=UTC)):  # 23:59 summer time
        assert clock.today() == date(2027, 3, 28)
    with clock.frozen_at(datetime(2027, 3, 28, 22, 0, tzinfo=UTC)):  # midnight is at 22:00 UTC now
        assert clock.today() == date(2027, 3, 29)
    with clock.frozen_at(datetime(2027, 3, 27, 22, 59, tzinfo=UTC)):  # winter: 23:59
        assert clock.today() == date(2027, 3, 27)


def test_summer_time_ends():
    """31 October 2027: at 03:00 summer time (01:00 UTC) the clocks go back to 02:00."""
    with clock.frozen_at(datetime(2027, 10, 30, 21, 59, tzinfo=UTC)):
        assert clock.today() == date(2027, 10, 30)
    with clock.frozen_at(datetime(2027, 10, 30, 22, 0, tzinfo=UTC)):  # midnight, still summer time
        assert clock.today() == date(2027, 10, 31)
    with clock.frozen_at(datetime(2027, 10, 31, 0, 30, tzinfo=UTC)):
        first = clock.local_now()
    with clock.frozen_at(datetime(2027, 10, 31, 1, 30, tzinfo=UTC)):
        second = clock.local_now()
    assert first.replace(tzinfo=None) == second.replace(tzinfo=None) == datetime(2027, 10, 31, 2, 30)
    assert (first.utcoffset(), second.utcoffset()) == (timedelta(hours=2), timedelta(hours=1))
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    with clock.frozen_at(datetime(2027, 10, 31, 22, 59, tzinfo=UTC)):  # 23:59 winter time
        assert clock.today() == date(2027, 10, 31)
    with clock.frozen_at(datetime(2027, 10, 31, 23, 0, tzinfo=UTC)):
        assert clock.today() == date(2027, 11, 1)


def test_a_naive_time_is_copenhagen_wall_clock():
    with clock.frozen_at(datetime(2027, 7, 1, 8, 0)):
        assert clock.now() == datetime(2027, 7, 1, 6, 0, tzinfo=UTC)
    with clock.frozen_at(datetime(2027, 1, 1, 8, 0)):
        assert clock.now() == datetime(2027, 1, 1, 7, 0, tzinfo=UTC)


def test_a_date_means_its_danish_noon():
    with clock.frozen_at(date(2027, 1, 15)):
        assert clock.now() == datetime(2027, 1, 15, 11, 0, tzinfo=UTC)
        assert clock.today() == date(2027, 1, 15)
    with clock.frozen_at(date(2027, 6, 15)):
        assert clock.now() == datetime(2027, 6, 15, 10, 0, tzinfo=UTC)
        assert clock.local_now().hour == 12


def test_frozen_stands_still_and_timestamp_follows():
    clock.freeze(datetime(2027, 5, 1, 10, 0, tzinfo=UTC))
    try:
        assert clock.now() == clock.now() == datetime(2027, 5, 1, 10, 0, tzinfo=UTC)
        assert clock.timestamp() == datetime(2027, 5, 1, 10, 0, tzinfo=UTC).timestamp()
    finally:
        clock.reset()


def test_moved_to_ticks_forward():
    import time as system_time
    with clock.moved_to(datetime(2030, 12, 31, 23, 59, 59, 900_000)):  # naive: Copenhagen
        first = clock.now()
        assert abs(first - datetime(2030, 12, 31, 22, 59, 59, 900_000, tzinfo=UTC)) < timedelta(seconds=5)
        system_time.sleep(0.2)
        later = clock.now()
        assert later > first
        assert clock.today() in (date(2030, 12, 31), date(2031, 1, 1))
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_frozen_at_restores_the_previous_state_when_nested():
    clock.reset()
    outer = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    with clock.moved_to(datetime(2029, 6, 1, 12, 0, tzinfo=UTC)):
        with clock.frozen_at(outer):
            with clock.frozen_at(date(2028, 1, 1)):
                assert clock.today() == date(2028, 1, 1)
            assert clock.now() == outer
            with clock.moved_to(date(2031, 3, 3)):
                assert clock.today() == date(2031, 3, 3)
            assert clock.now() == outer
        assert abs(clock.now() - datetime(2029, 6, 1, 12, 0, tzinfo=UTC)) < timedelta(seconds=5)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_frozen_at_restores_after_an_error():
    clock.reset()
    with pytest.raises(RuntimeError), clock.frozen_at(date(2027, 1, 1)):
        raise RuntimeError
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_a_test_that_sets_the_clock_does_not_leak_it_1():
    clock.freeze(date(1999, 12, 31))  # the autouse fixture in conftest.py puts it back


def test_a_test_that_sets_the_clock_does_not_leak_it_2():
    assert clock.today().year != 1999


# The app runs on the clock: moved forward, a staff log-in (two-factor and all) still works, and the time-outs,
# links and stamps follow it rather than the system time.

def test_a_staff_log_in_works_with_the_clock_moved(client, auth, factory):
    from app.extensions import db
    from app.models.user import find_user_by_email
    factory.user(role="caseworker", email="mette@kommune.dk")
    db.session.commit()
    clock.move_to(datetime(2031, 1, 1, 0, 30))  # New Year's night in Copenhagen, 23:30 UTC the day before
    resp = auth.login("mette@kommune.dk")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    assert client.get("/sagsbehandling/").status_code == 200
    user = find_user_by_email("mette@kommune.dk")
    assert user.totp_enabled_at.year == 2030 and user.last_login_at.date() == date(2030, 12, 31)


def test_the_session_times_out_by_the_clock(client, auth, factory):
    from app.extensions import db
    factory.user(role="caseworker", email="mette@kommune.dk")
    db.session.commit()
    clock.move_to(datetime(2031, 1, 1, 9, 0))
    auth.login("mette@kommune.dk")
    assert client.get("/sagsbehandling/").status_code == 200
    clock.move_to(datetime(2031, 1, 1, 11, 0))  # two hours on: past the idle time, with no request in between
    assert client.get("/sagsbehandling/").status_code == 302


def test_a_reset_link_expires_by_the_clock(app):
    from app.services.accounts.tokens import TokenExpired, make_token, read_token
    with clock.frozen_at(datetime(2031, 1, 1, 9, 0)):
        token = make_token("reset", {"uid": 1})
    with clock.frozen_at(datetime(2031, 1, 1, 9, 59)):
        assert read_token("reset", token, 3600) == {"uid": 1}
    with clock.frozen_at(datetime(2031, 1, 1, 10, 1)):
        with pytest.raises(TokenExpired):
            read_token("reset", token, 3600)


def test_rows_are_stamped_by_the_clock(app, factory):
    from app.extensions import db
    with clock.frozen_at(datetime(2031, 1, 1, 0, 30)):
        user = factory.user()
        db.session.commit()
    assert user.created_at == datetime(2030, 12, 31, 23, 30, tzinfo=UTC)

"""The one source of "now" and "today" for the whole app; tests and the demo set it.

Instants are timezone-aware UTC; dates are the municipality's calendar (Europe/Copenhagen), so
"today" turns at Danish midnight whatever zone the server runs in. No other module reads the
system time (tests/test_clock.py walks the source to hold that line).

The clock can be *frozen* (now() always returns the same instant) or *moved* (it ticks, offset from
the system time): a browser test at "31 December 23:30" needs time that passes, a unit test wants
an instant that stands still.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Copenhagen")

_frozen: datetime | None = None
_offset = timedelta(0)


def _system_now() -> datetime:
    return datetime.fromtimestamp(time.time(), timezone.utc)


def now() -> datetime:
    """This instant, timezone-aware in UTC."""
    return _frozen if _frozen is not None else _system_now() + _offset


def local_now() -> datetime:
    """This instant on the municipality's wall clock (Europe/Copenhagen)."""
    return now().astimezone(TZ)


def today() -> date:
    """Today's date in Denmark."""
    return local_now().date()


def timestamp() -> float:
    """Seconds since the epoch (for TOTP steps and session stamps)."""
    return now().timestamp()


def local(moment: datetime) -> datetime:
    """A naive Copenhagen wall-clock time made aware (naive input) or converted (aware input)."""
    return moment.replace(tzinfo=TZ) if moment.tzinfo is None else moment.astimezone(TZ)


def _instant(at: datetime | date) -> datetime:
    if not isinstance(at, datetime):
        at = datetime(at.year, at.month, at.day, 12, 0)  # a date means its Danish noon
    return local(at).astimezone(timezone.utc)


def freeze(at: datetime | date) -> None:
    """Stop the clock at `at` (naive means Copenhagen wall-clock time; a date means its noon)."""
    global _frozen, _offset
    _frozen, _offset = _instant(at), timedelta(0)


def move_to(at: datetime | date) -> None:
    """Let the clock run from `at` onwards."""
    global _frozen, _offset
    _frozen, _offset = None, _instant(at) - _system_now()


def reset() -> None:
    """Back to the system's time."""
    global _frozen, _offset
    _frozen, _offset = None, timedelta(0)


@contextmanager
def frozen_at(at: datetime | date) -> Iterator[None]:
    """Freeze the clock for a block, then put back whatever it was."""
    with _kept():
        freeze(at)
        yield


@contextmanager
def moved_to(at: datetime | date) -> Iterator[None]:
    """Run the clock from `at` for a block, then put back whatever it was."""
    with _kept():
        move_to(at)
        yield


@contextmanager
def _kept() -> Iterator[None]:
    global _frozen, _offset
    saved = _frozen, _offset
    try:
        yield
    finally:
        _frozen, _offset = saved

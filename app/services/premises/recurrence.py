"""Booking series as pure functions: local wall-clock times in Europe/Copenhagen, stored as UTC."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from app.clock import TZ  # the municipality's wall clock, defined once

STEP_DAYS = {"none": 0, "weekly": 7, "biweekly": 14}
MAX_SPAN_DAYS = 366


@dataclass(frozen=True, order=True)
class Slot:
    """One occurrence: a UTC interval, half-open [starts_at, ends_at)."""

    starts_at: datetime
    ends_at: datetime

    def local_start(self, tz: ZoneInfo = TZ) -> datetime:
        return self.starts_at.astimezone(tz)

    def local_day(self, tz: ZoneInfo = TZ) -> date:
        return self.starts_at.astimezone(tz).date()

    def overlaps(self, starts_at: datetime, ends_at: datetime) -> bool:
        return self.starts_at < ends_at and starts_at < self.ends_at


class SeriesError(ValueError):
    """The series cannot be built; `code` names the problem (see app.services.premises.messages)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def to_utc(day: date, at: time, tz: ZoneInfo = TZ) -> datetime:
    """A local wall time on `day` as UTC; a time skipped by summer time moves on by the gap."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(timezone.utc)


def series_days(first: date, frequency: str, until: date | None, exceptions: frozenset[date] = frozenset()) -> list[date]:
    """The dates of a series: `first`, then every 7 or 14 days up to `until`, minus `exceptions`."""
    if frequency not in STEP_DAYS:
        raise SeriesError("bad_frequency")
    step = STEP_DAYS[frequency]
    if step == 0:
        return [] if first in exceptions else [first]
    if until is None:
        raise SeriesError("until_missing")
    if until < first:
        raise SeriesError("until_before_first")
    if (until - first).days > MAX_SPAN_DAYS:
        raise SeriesError("too_long")
    days = [first + timedelta(days=n) for n in range(0, (until - first).days + 1, step)]
    return [d for d in days if d not in exceptions]


def expand(first: date, start: time, end: time, frequency: str = "none", until: date | None = None,
           exceptions: frozenset[date] = frozenset(), tz: ZoneInfo = TZ) -> list[Slot]:
    """The UTC slots of a series that keeps the same local start and end time on every date."""
    if end <= start:
        raise SeriesError("end_before_start")
    return [Slot(to_utc(d, start, tz), to_utc(d, end, tz)) for d in series_days(first, frequency, until, exceptions)]


def weekly_in_period(weekday: int, start: time, end: time, period_start: date, period_end: date,
                     tz: ZoneInfo = TZ) -> list[Slot]:
    """Every `weekday` (0 = Monday) between two dates at the same local times (a season's series)."""
    if end <= start:
        raise SeriesError("end_before_start")
    first = period_start + timedelta(days=(weekday - period_start.weekday()) % 7)
    days = [first + timedelta(days=n) for n in range(0, max((period_end - first).days + 1, 0), 7)]
    return [Slot(to_utc(d, start, tz), to_utc(d, end, tz)) for d in days]


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def parse_iso_week(value: str | None, today: date) -> date:
    """'2026-W41' as the Monday of that ISO week; anything else as this week's Monday."""
    try:
        year, week = (value or "").split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except (ValueError, TypeError):
        return week_start(today)


def parse_month(value: str | None, today: date) -> date:
    """'2026-10' as the first of that month; anything else as this month."""
    try:
        year, month = (value or "").split("-")
        return date(int(year), int(month), 1)
    except (ValueError, TypeError):
        return today.replace(day=1)

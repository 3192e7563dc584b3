"""Free and taken time per day, as pure functions (the week and month views read these)."""
from __future__ import annotations

import calendar as std_calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.clock import TZ

END_OF_DAY = time(23, 59)


@dataclass(frozen=True)
class Busy:
    """A taken interval; `label` is None when the viewer may not see who booked."""

    starts_at: datetime
    ends_at: datetime
    label: str | None = None
    own: bool = False
    booking_id: int | None = None


@dataclass(frozen=True)
class DayPlan:
    """One day of a space: opening hours, closure, taken and free intervals in local time."""

    day: date
    hours: tuple[time, time] | None
    closed_reason: str | None
    busy: tuple[tuple[time, time, Busy], ...]
    free: tuple[tuple[time, time], ...]

    @property
    def is_open(self) -> bool:
        return self.hours is not None and self.closed_reason is None


def _clip(day: date, item: Busy, tz: ZoneInfo) -> tuple[time, time] | None:
    start_of_day = datetime.combine(day, time(0), tzinfo=tz)
    end_of_day = start_of_day + timedelta(days=1)
    start, end = max(item.starts_at.astimezone(tz), start_of_day), min(item.ends_at.astimezone(tz), end_of_day)
    if start >= end:
        return None
    return start.time(), (END_OF_DAY if end >= end_of_day else end.time())


def free_between(opens: time, closes: time, taken: Iterable[tuple[time, time]]) -> list[tuple[time, time]]:
    """The parts of [opens, closes) that no taken interval covers."""
    free, cursor = [], opens
    for start, end in sorted(taken):
        if start > cursor:
            free.append((cursor, min(start, closes)))
        cursor = max(cursor, end)
        if cursor >= closes:
            break
    if cursor < closes:
        free.append((cursor, closes))
    return [(a, b) for a, b in free if a < b]


def day_plan(day: date, hours: Mapping[int, tuple[time, time]], closures: Iterable[tuple[date, date, str]],
             busy: Iterable[Busy], tz: ZoneInfo = TZ) -> DayPlan:
    """The plan for one day."""
    today_hours = hours.get(day.weekday())
    closed = next((reason or "–" for a, b, reason in closures if a <= day <= b), None)
    taken = []
    for item in busy:
        clipped = _clip(day, item, tz)
        if clipped:
            taken.append((clipped[0], clipped[1], item))
    taken.sort(key=lambda t: (t[0], t[1]))
    free = [] if today_hours is None or closed else free_between(*today_hours, [(a, b) for a, b, _ in taken])
    return DayPlan(day, today_hours, closed, tuple(taken), tuple(free))


def week_days(monday: date) -> list[date]:
    """The seven days from `monday`."""
    return [monday + timedelta(days=n) for n in range(7)]


def month_grid(first: date) -> list[list[date | None]]:
    """Weeks of the month (Monday first), None outside the month."""
    weeks = std_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    return [[d if d.month == first.month else None for d in week] for week in weeks]


def month_days(first: date) -> list[date]:
    """Every day of the month."""
    return [first + timedelta(days=n) for n in range(std_calendar.monthrange(first.year, first.month)[1])]

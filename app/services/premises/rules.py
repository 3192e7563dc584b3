"""A booking request checked against a space's rules, as pure functions returning problem codes."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from app.clock import TZ
from app.services.premises.recurrence import Slot


@dataclass(frozen=True)
class Problem:
    """Something wrong with a request; `code` keys a Danish message in app.services.premises.messages."""

    code: str
    params: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class SpaceFacts:
    """What the rules read about a space (hours and closures already include inherited ones)."""

    capacity: int | None
    bookable_by: str
    hours: Mapping[int, tuple[time, time]]
    closures: tuple[tuple[date, date, str], ...] = ()


@dataclass(frozen=True)
class ApplicantFacts:
    """What the rules read about the association asking."""

    is_informal: bool
    approved: bool
    missing_child_certificate: bool


def applicant_problems(space: SpaceFacts, applicant: ApplicantFacts) -> list[Problem]:
    """Who may book: approved associations, all associations, or informal groups too."""
    problems = []
    if space.bookable_by == "approved" and not applicant.approved:
        problems.append(Problem("only_approved"))
    elif space.bookable_by == "associations" and applicant.is_informal:
        problems.append(Problem("no_informal"))
    if applicant.missing_child_certificate:
        problems.append(Problem("child_certificate"))
    return problems


def capacity_problem(space: SpaceFacts, participants: int) -> Problem | None:
    """More people than the space holds."""
    if space.capacity is not None and participants > space.capacity:
        return Problem("over_capacity", {"capacity": space.capacity, "participants": participants})
    return None


def hours_problems(space: SpaceFacts, slots: Iterable[Slot], tz: ZoneInfo = TZ) -> list[Problem]:
    """Slots outside the opening hours of their weekday (one problem per weekday)."""
    problems: dict[int, Problem] = {}
    for slot in slots:
        start, end = slot.starts_at.astimezone(tz), slot.ends_at.astimezone(tz)
        weekday = start.weekday()
        hours = space.hours.get(weekday)
        if hours is None:
            problems.setdefault(weekday, Problem("closed_weekday", {"weekday": weekday}))
        elif start.date() != end.date() or start.time() < hours[0] or end.time() > hours[1]:
            problems.setdefault(weekday, Problem("outside_hours", {"weekday": weekday, "opens": hours[0],
                                                                   "closes": hours[1]}))
    return [problems[k] for k in sorted(problems)]


def closed_slots(space: SpaceFacts, slots: Iterable[Slot], tz: ZoneInfo = TZ) -> dict[Slot, str]:
    """Slots that fall on a closure day, with the closure's reason."""
    out = {}
    for slot in slots:
        day = slot.local_day(tz)
        for starts_on, ends_on, reason in space.closures:
            if starts_on <= day <= ends_on:
                out[slot] = reason
                break
    return out


def past_problem(slots: Iterable[Slot], now: datetime) -> Problem | None:
    """A slot that has already begun cannot be requested."""
    return Problem("in_past") if any(slot.starts_at <= now for slot in slots) else None


def season_bounds(day: date, start_month: int = 8) -> tuple[date, date]:
    """The booking season `day` falls in (from the 1st of `start_month`, one year long)."""
    year = day.year if day.month >= start_month else day.year - 1
    return date(year, start_month, 1), date.fromordinal(date(year + 1, start_month, 1).toordinal() - 1)


def cancellation_problem(starts_at: datetime, now: datetime, deadline_hours: int, used: int,
                         limit: int | None) -> Problem | None:
    """May an association cancel a booking that starts at `starts_at`, having cancelled `used` times?"""
    if starts_at <= now:
        return Problem("already_started")
    if (starts_at - now).total_seconds() < deadline_hours * 3600:
        return Problem("deadline_passed", {"hours": deadline_hours, "starts_at": starts_at})
    if limit is not None and used >= limit:
        return Problem("too_many_cancellations", {"count": used})
    return None

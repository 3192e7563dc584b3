"""Dates and slots for premises tests."""
from __future__ import annotations

from datetime import date, time, timedelta

from app import clock
from app.services.premises.recurrence import Slot, to_utc


def next_weekday(weekday: int, weeks_ahead: int = 1) -> date:
    """A date `weeks_ahead` weeks from now on `weekday` (0 = Monday), always in the future."""
    today = clock.today()
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def slot(day: date, start: str, end: str) -> Slot:
    """A slot from local wall times."""
    return Slot(to_utc(day, time.fromisoformat(start)), to_utc(day, time.fromisoformat(end)))

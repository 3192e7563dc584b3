"""The demo's calendar: every date is a number of days from the day the demo is seeded.

The demo lives through its own past: to submit an application that is now in assessment, it moves
the clock back to a day when the pool was open and submits through the same services as a user.
So the demo can never hold a case the rules would have refused, on any day of the year.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from app import clock


class Timeline:
    """Days relative to the seed's today, and a way to act on one of them."""

    def __init__(self) -> None:
        self.seeded_on = clock.today()

    def day(self, offset: int) -> date:
        """The date `offset` days from today (negative: in the past)."""
        return self.seeded_on + timedelta(days=offset)

    @contextmanager
    def ago(self, days: int, hour: int = 10) -> Iterator[None]:
        """Act `days` days ago at `hour` o'clock (Danish time); 0 days means now."""
        if days <= 0:
            yield
            return
        with clock.moved_to(datetime.combine(self.day(-days), time(hour))):
            yield

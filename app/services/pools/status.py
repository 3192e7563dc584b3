"""Where a pool stands on a given day: open, not open yet, or past its deadline.

One rule for every place that asks: the public pool lists and pages, the association's "Kan I søge?",
starting an application and the submission itself (app.services.cases.core.accepts_applications is this rule).
Pure functions of the pool's dates and the day; "today" is the Danish calendar day (app.clock.today()),
so the deadline day is open until midnight in Copenhagen.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from app.models import Pool
from workflows import registry

# An open pool whose deadline is this many days away or fewer is marked "Lukker om N dage".
CLOSING_SOON_DAYS = 7


class Phase(str, Enum):
    OPEN = "open"          # takes applications, on time
    LATE = "late"          # past its deadline, but the pool may take applications after the deadline
    UPCOMING = "upcoming"  # not open yet (before opens_on)
    CLOSED = "closed"      # past its deadline
    CALCULATED = "calculated"  # nobody applies: the subsidy is calculated from the annual report


ACCEPTING = frozenset({Phase.OPEN, Phase.LATE})


def is_calculated(pool: Pool) -> bool:
    """True when the pool's cases are not applied for but calculated (the yearly subsidies)."""
    return pool.workflow in registry.names() and not registry.applied_for(pool.workflow)


def phase_on(pool: Pool, today: date) -> Phase:
    """The pool's phase on `today`: opens_on and the deadline day both count as open.

    A calculated pool is never open for applications, whatever its dates say.
    """
    if is_calculated(pool):
        return Phase.CALCULATED
    if pool.opens_on and today < pool.opens_on:
        return Phase.UPCOMING
    if pool.is_open_on(today):
        return Phase.OPEN
    return Phase.LATE if pool.accepts_late else Phase.CLOSED


@dataclass(frozen=True)
class PoolStatus:
    """A pool's phase with the dates a list or page shows next to it."""

    phase: Phase
    deadline: date | None  # open: the next deadline (None when rolling); otherwise the pool's last deadline
    opens_on: date | None
    days_left: int | None  # open with a deadline: days until it, 0 on the deadline day
    is_final: bool  # the deadline is the pool's last one (the pool closes), not one round of several

    @property
    def accepts_applications(self) -> bool:
        return self.phase in ACCEPTING

    @property
    def closes_soon(self) -> bool:
        """Open, and the next deadline is within CLOSING_SOON_DAYS."""
        return self.days_left is not None and self.days_left <= CLOSING_SOON_DAYS


def status_on(pool: Pool, today: date) -> PoolStatus:
    """The phase and the dates that go with it (reads the pool's rounds: load them with the pool)."""
    phase = phase_on(pool, today)
    if phase is Phase.CALCULATED:
        return PoolStatus(phase, None, None, None, True)
    if phase is Phase.OPEN and not pool.is_rolling:
        upcoming = pool.next_deadline(today) or pool.deadline
        days_left = (upcoming - today).days if upcoming else None
        return PoolStatus(phase, upcoming, pool.opens_on, days_left, upcoming == pool.deadline)
    return PoolStatus(phase, None if pool.is_rolling else pool.deadline, pool.opens_on, None, True)


@dataclass
class PoolGroups:
    """Published pools grouped for a list: (pool, status) pairs in the order they are shown."""

    open: list = field(default_factory=list)      # soonest deadline first, rolling pools last
    late: list = field(default_factory=list)      # past the deadline, still taking late applications
    upcoming: list = field(default_factory=list)  # opening soonest first
    closed: list = field(default_factory=list)    # most recently closed first
    calculated: list = field(default_factory=list)  # calculated from the annual report, by name


def group_pools(pools: Iterable[Pool], today: date) -> PoolGroups:
    """Sort pools into open, late, upcoming, closed and calculated on `today`."""
    groups = PoolGroups()
    for pool in pools:
        status = status_on(pool, today)
        getattr(groups, status.phase.value).append((pool, status))
    groups.open.sort(key=lambda ps: (ps[1].deadline is None, ps[1].deadline or date.max, ps[0].name))
    groups.upcoming.sort(key=lambda ps: (ps[1].opens_on, ps[0].name))
    for recent_first in (groups.late, groups.closed):
        recent_first.sort(key=lambda ps: ps[0].name)
        recent_first.sort(key=lambda ps: ps[1].deadline or date.min, reverse=True)
    return groups

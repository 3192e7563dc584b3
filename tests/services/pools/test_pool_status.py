"""Where a pool stands on a day: the boundary days, rolling pools, rounds, late applications, and the one rule."""
from datetime import date, datetime

import pytest

from app import clock
from app.models import Pool, PoolRound
from app.services.cases.core import accepts_applications
from app.services.pools.status import Phase, group_pools, phase_on, status_on

OPENS, DEADLINE = date(2026, 3, 1), date(2026, 12, 1)


def _pool(name: str = "Pulje", **kw) -> Pool:
    values = dict(name=name, opens_on=OPENS, deadline=DEADLINE, is_rolling=False, accepts_late=False)
    values.update(kw)
    return Pool(**values)


@pytest.mark.parametrize("day, phase", [
    (date(2026, 2, 28), Phase.UPCOMING),  # the day before it opens
    (OPENS, Phase.OPEN),                  # opening day
    (date(2026, 11, 30), Phase.OPEN),
    (DEADLINE, Phase.OPEN),               # the deadline day itself
    (date(2026, 12, 2), Phase.CLOSED),    # the day after the deadline
])
def test_boundary_days(day, phase):
    with clock.frozen_at(day):
        assert phase_on(_pool(), clock.today()) is phase


@pytest.mark.parametrize("at, phase", [
    (datetime(2026, 12, 1, 23, 59), Phase.OPEN),    # the whole deadline day, Copenhagen time
    (datetime(2026, 12, 2, 0, 1), Phase.CLOSED),   # 23:01 UTC on the deadline day: already closed in Denmark
    (datetime(2026, 2, 28, 23, 59), Phase.UPCOMING),
    (datetime(2026, 3, 1, 0, 0), Phase.OPEN),
])
def test_days_turn_at_danish_midnight(at, phase):
    with clock.frozen_at(at):
        assert phase_on(_pool(), clock.today()) is phase


def test_rolling_pool_is_open_from_its_opening_day_with_no_deadline():
    rolling = _pool(is_rolling=True, deadline=None)
    assert phase_on(rolling, date(2026, 2, 28)) is Phase.UPCOMING
    with clock.frozen_at(date(2030, 6, 1)):
        status = status_on(rolling, clock.today())
    assert (status.phase, status.deadline, status.days_left, status.closes_soon) == (Phase.OPEN, None, None, False)
    assert phase_on(_pool(is_rolling=True, deadline=None, opens_on=None), date(2000, 1, 1)) is Phase.OPEN


def test_pool_taking_late_applications_is_late_not_open():
    late = _pool(accepts_late=True)
    assert phase_on(late, DEADLINE) is Phase.OPEN
    assert phase_on(late, date(2026, 12, 2)) is Phase.LATE
    assert phase_on(late, date(2026, 2, 28)) is Phase.UPCOMING  # late never means early


@pytest.mark.parametrize("pool", [
    _pool(), _pool(accepts_late=True), _pool(is_rolling=True, deadline=None), _pool(opens_on=None),
    _pool(is_rolling=True, deadline=None, accepts_late=True), _pool(opens_on=DEADLINE),
])
@pytest.mark.parametrize("day", [date(2026, 2, 28), OPENS, DEADLINE, date(2026, 12, 2), date(2027, 6, 1)])
def test_the_lists_and_the_submission_use_the_same_rule(pool, day):
    """accepts_applications (which refuses a late submission) says yes exactly when the pool is listed as open
    or as taking late applications."""
    assert accepts_applications(pool, day) is status_on(pool, day).accepts_applications


@pytest.mark.parametrize("day, days_left, soon", [
    (date(2026, 11, 23), 8, False), (date(2026, 11, 24), 7, True), (date(2026, 11, 28), 3, True),
    (DEADLINE, 0, True),
])
def test_days_left_and_closing_soon(day, days_left, soon):
    status = status_on(_pool(), day)
    assert (status.deadline, status.days_left, status.closes_soon, status.is_final) == (DEADLINE, days_left, soon, True)


def test_rounds_the_next_deadline_counts_and_the_pool_stays_open_after_a_round():
    pool = _pool()
    pool.rounds = [PoolRound(deadline=date(2026, 6, 1)), PoolRound(deadline=DEADLINE)]
    first = status_on(pool, date(2026, 5, 30))
    assert (first.phase, first.deadline, first.days_left, first.is_final) == (Phase.OPEN, date(2026, 6, 1), 2, False)
    second = status_on(pool, date(2026, 6, 2))
    assert (second.phase, second.deadline, second.is_final) == (Phase.OPEN, DEADLINE, True)


def test_closed_and_upcoming_pools_carry_their_dates():
    closed = status_on(_pool(), date(2026, 12, 2))
    assert (closed.deadline, closed.days_left, closed.closes_soon, closed.accepts_applications) == (
        DEADLINE, None, False, False)
    upcoming = status_on(_pool(), date(2026, 1, 15))
    assert (upcoming.opens_on, upcoming.accepts_applications) == (OPENS, False)


def test_groups_and_their_order():
    today = date(2026, 11, 1)
    pools = [
        _pool("Løbende", is_rolling=True, deadline=None),
        _pool("Sen frist", deadline=date(2026, 12, 15)),
        _pool("Tidlig frist", deadline=date(2026, 11, 5)),
        _pool("Åbner i januar", opens_on=date(2027, 1, 1), deadline=date(2027, 3, 1)),
        _pool("Åbner i december", opens_on=date(2026, 12, 1), deadline=date(2027, 3, 1)),
        _pool("Lukket i sommer", deadline=date(2026, 6, 1)),
        _pool("Lukket i oktober", deadline=date(2026, 10, 31)),
        _pool("Sene ansøgninger", deadline=date(2026, 10, 1), accepts_late=True),
    ]
    groups = group_pools(pools, today)
    names = lambda group: [p.name for p, _status in group]  # noqa: E731
    assert names(groups.open) == ["Tidlig frist", "Sen frist", "Løbende"]
    assert names(groups.upcoming) == ["Åbner i december", "Åbner i januar"]
    assert names(groups.closed) == ["Lukket i oktober", "Lukket i sommer"]
    assert names(groups.late) == ["Sene ansøgninger"]

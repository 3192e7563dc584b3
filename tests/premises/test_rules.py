"""Request rules and the space tree as pure functions."""
from datetime import date, datetime, time, timedelta, timezone

from app.services.premises import tree
from app.premises.calendar import Busy, day_plan, free_between, month_grid
from app.services.premises.recurrence import expand
from app.services.premises.rules import (ApplicantFacts, SpaceFacts, applicant_problems, cancellation_problem, capacity_problem,
                                closed_slots, hours_problems, past_problem, season_bounds)

EVENINGS = {d: (time(16), time(22)) for d in range(5)}  # Monday-Friday
SPACE = SpaceFacts(capacity=20, bookable_by="approved", hours=EVENINGS,
                   closures=((date(2026, 10, 12), date(2026, 10, 16), "Efterårsferie"),))


def codes(problems):
    return [p.code for p in problems]


def test_who_may_book():
    member = ApplicantFacts(is_informal=False, approved=False, missing_child_certificate=False)
    assert codes(applicant_problems(SPACE, member)) == ["only_approved"]
    informal = ApplicantFacts(is_informal=True, approved=False, missing_child_certificate=False)
    assert codes(applicant_problems(SpaceFacts(None, "associations", {}), informal)) == ["no_informal"]
    assert applicant_problems(SpaceFacts(None, "informal", {}), informal) == []
    no_certificate = ApplicantFacts(is_informal=False, approved=True, missing_child_certificate=True)
    assert codes(applicant_problems(SPACE, no_certificate)) == ["child_certificate"]


def test_capacity():
    assert capacity_problem(SPACE, 21).params == {"capacity": 20, "participants": 21}
    assert capacity_problem(SPACE, 20) is None


def test_opening_hours_per_weekday():
    tuesday = expand(date(2026, 10, 6), time(18), time(20))
    assert hours_problems(SPACE, tuesday) == []
    too_late = expand(date(2026, 10, 6), time(21), time(23))
    [problem] = hours_problems(SPACE, too_late)
    assert problem.code == "outside_hours" and problem.params["closes"] == time(22)
    saturday = expand(date(2026, 10, 10), time(10), time(12))
    assert codes(hours_problems(SPACE, saturday)) == ["closed_weekday"]


def test_closures_mark_the_dates_they_cover():
    series = expand(date(2026, 10, 6), time(18), time(20), "weekly", until=date(2026, 10, 20))
    closed = closed_slots(SPACE, series)
    assert [s.local_day() for s in closed] == [date(2026, 10, 13)] and set(closed.values()) == {"Efterårsferie"}


def test_past_times_are_refused():
    now = datetime(2026, 10, 6, 17, tzinfo=timezone.utc)
    assert past_problem(expand(date(2026, 10, 6), time(18), time(20)), now).code == "in_past"  # 18 local = 16 UTC
    assert past_problem(expand(date(2026, 10, 7), time(18), time(20)), now) is None


def test_cancellation_deadline_and_limit():
    now = datetime(2026, 10, 1, 12, tzinfo=timezone.utc)
    assert cancellation_problem(now + timedelta(hours=30), now, 24, 0, 3) is None
    assert cancellation_problem(now + timedelta(hours=10), now, 24, 0, 3).code == "deadline_passed"
    assert cancellation_problem(now + timedelta(hours=30), now, 24, 3, 3).code == "too_many_cancellations"
    assert cancellation_problem(now - timedelta(hours=1), now, 0, 0, None).code == "already_started"


def test_season_runs_from_august():
    assert season_bounds(date(2026, 10, 1)) == (date(2026, 8, 1), date(2027, 7, 31))
    assert season_bounds(date(2027, 3, 1)) == (date(2026, 8, 1), date(2027, 7, 31))
    assert season_bounds(date(2027, 3, 1), 1) == (date(2027, 1, 1), date(2027, 12, 31))


def test_tree_holds_and_collisions():
    parents = {1: None, 2: 1, 3: 1, 4: 2}  # hall 1 > court 2 > half court 4; court 3
    assert tree.ancestors(parents, 4) == [2, 1]
    assert tree.descendants(parents, 1) == [2, 3, 4]
    assert tree.holds(parents, 2) == [(2, None), (4, None), (1, 2)]
    assert tree.holds_collide(None, 2) and tree.holds_collide(2, 2) and not tree.holds_collide(2, 3)
    assert tree.would_cycle(parents, 1, 4) and not tree.would_cycle(parents, 3, 2)
    assert tree.related(parents, 3) == {3, 1}


def test_day_plan_free_and_taken():
    day = date(2026, 10, 6)
    [taken] = expand(day, time(18), time(20))
    plan = day_plan(day, EVENINGS, (), [Busy(taken.starts_at, taken.ends_at)])
    assert plan.free == ((time(16), time(18)), (time(20), time(22)))
    assert plan.busy[0][:2] == (time(18), time(20)) and plan.busy[0][2].label is None
    closed = day_plan(date(2026, 10, 13), EVENINGS, SPACE.closures, [])
    assert closed.closed_reason == "Efterårsferie" and closed.free == ()
    assert free_between(time(16), time(22), [(time(15), time(23))]) == []


def test_month_grid_starts_on_monday():
    grid = month_grid(date(2026, 10, 1))
    assert grid[0][:3] == [None, None, None] and grid[0][3] == date(2026, 10, 1)

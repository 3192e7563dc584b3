"""Each indicator from a known data set (runs on SQLite and, in the PostgreSQL pass, with percentile_cont)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from app.extensions import db
from app.services.figures import indicators
from app.services.figures.indicators import Filters


def _numbers(row) -> tuple:
    return (row.applications, row.decided, row.granted, row.granted_amount, row.associations, row.new_associations,
            row.new_initiatives)


def test_per_pool(data):
    rows = {r.pool: r for r in indicators.grant_rows(Filters(2025), "pool")}
    assert list(rows) == ["P1", "P2", "P3"]
    assert _numbers(rows["P1"]) == (4, 3, 2, 15_000, 2, 1, 0)
    assert rows["P1"].share_granted == pytest.approx(2 / 3)
    assert rows["P1"].median_days == pytest.approx(4) and rows["P1"].p90_days == pytest.approx(8.8)
    assert _numbers(rows["P2"]) == (1, 1, 1, 3_000, 1, 1, 1)
    assert rows["P2"].median_days == pytest.approx(1) and rows["P2"].p90_days == pytest.approx(1)
    assert _numbers(rows["P3"]) == (1, 1, 1, 20_000, 1, 1, 0)
    assert rows["P1"].committee == "A-udvalget" and rows["P3"].committee == "B-udvalget"


def test_per_committee_and_total(data):
    committees = {r.committee: r for r in indicators.grant_rows(Filters(2025), "committee")}
    assert _numbers(committees["A-udvalget"]) == (5, 4, 3, 18_000, 2, 1, 1)
    assert committees["A-udvalget"].median_days == pytest.approx(3)
    assert committees["A-udvalget"].p90_days == pytest.approx(8.2)
    [total] = indicators.grant_rows(Filters(2025), "total")
    assert _numbers(total) == (6, 5, 4, 38_000, 3, 2, 1)
    assert total.share_granted == pytest.approx(0.8)
    assert total.median_days == pytest.approx(4) and total.p90_days == pytest.approx(8.4)


def test_filters_and_other_years(data):
    [only_p1] = indicators.grant_rows(Filters(2025, pool_id=data.p1.id), "total")
    assert _numbers(only_p1) == (4, 3, 2, 15_000, 2, 1, 0)
    [b] = indicators.grant_rows(Filters(2025, committee_id=data.committee_b.id), "total")
    assert _numbers(b) == (1, 1, 1, 20_000, 1, 1, 0)
    [earlier] = indicators.grant_rows(Filters(2024), "total")
    assert _numbers(earlier) == (1, 1, 1, 7_000, 1, 1, 0) and earlier.median_days == pytest.approx(3)
    [empty] = indicators.grant_rows(Filters(2023), "total")
    assert _numbers(empty) == (0, 0, 0, 0, 0, 0, 0) and empty.median_days is None and empty.share_granted is None
    trend = dict(indicators.totals_by_year(Filters(2025), years=3))
    assert [trend[y].granted_amount for y in (2023, 2024, 2025)] == [0, 7_000, 38_000]


def test_year_follows_danish_time(data):
    start, end = indicators.year_bounds(2025)
    assert start == datetime(2024, 12, 31, 23, 0, tzinfo=timezone.utc)
    assert end == datetime(2025, 12, 31, 23, 0, tzinfo=timezone.utc)


def test_percentile_matches_percentile_cont():
    assert indicators.percentile([], 0.5) is None
    assert indicators.percentile([2.0, 4.0, 10.0], 0.9) == pytest.approx(8.8)
    assert indicators.percentile([1.0, 2.0, 3.0, 4.0], 0.5) == pytest.approx(2.5)


@pytest.mark.postgres
def test_postgres_uses_percentile_cont(data):
    assert db.engine.dialect.name == "postgresql"
    [total] = indicators.grant_rows(Filters(2025), "total")
    assert total.p90_days == pytest.approx(8.4)


def test_premises_use_by_age_group(data, factory):
    from app.models import AllocationRound, AllocationWish, Booking, BookingRequest, Case, Closure
    location = factory.premises_location(name="Idrætshallen")
    hall = factory.premises_space(location, name="Hal 1")  # open 06-23 every day: 17 hours
    court = factory.premises_space(location, name="Bane A", parent=hall, hours=None)
    db.session.add(Closure(space_id=hall.id, starts_on=date(2025, 12, 24), ends_on=date(2025, 12, 25)))
    loan_pool = factory.pool(workflow="premises_loan", name="Lån", year=2025)
    loan = Case(pool_id=loan_pool.id, association_id=data.x.id, workflow="premises_loan", state="approved",
                title="Træning")
    db.session.add(loan)
    db.session.flush()

    def at(day: int, hour: int) -> datetime:
        return datetime.combine(date(2025, 6, day), time(hour), timezone.utc)

    db.session.add(BookingRequest(case_id=loan.id, space_id=hall.id, purpose="Fodbold", participants=20,
                                  age_group="children_youth", first_day=date(2025, 6, 2), start_time=time(10),
                                  end_time=time(12)))
    season = AllocationRound(name="Sæson", pool_id=loan_pool.id, opens_on=date(2025, 1, 1), closes_on=date(2025, 2, 1),
                             season_start=date(2025, 8, 1), season_end=date(2026, 6, 1))
    db.session.add(season)
    db.session.flush()
    wish = AllocationWish(round_id=season.id, case_id=loan.id, association_id=data.y.id, space_id=hall.id, weekday=1,
                          start_time=time(18), end_time=time(21), participants=12, age_group="adults")
    db.session.add(wish)
    db.session.flush()
    db.session.add_all([
        Booking(space_id=hall.id, association_id=data.x.id, case_id=loan.id, title="Fodbold", starts_at=at(2, 10),
                ends_at=at(2, 12)),
        Booking(space_id=hall.id, association_id=data.y.id, wish_id=wish.id, title="Volley", starts_at=at(3, 18),
                ends_at=at(3, 21)),
        Booking(space_id=hall.id, title="Kommunalt arrangement", starts_at=at(4, 9), ends_at=at(4, 10)),
        Booking(space_id=hall.id, association_id=data.x.id, title="Aflyst", starts_at=at(5, 9), ends_at=at(5, 14),
                status="cancelled"),
        Booking(space_id=hall.id, title="Sidste år", starts_at=datetime(2024, 6, 1, 9, tzinfo=timezone.utc),
                ends_at=datetime(2024, 6, 1, 19, tzinfo=timezone.utc)),
    ])
    db.session.commit()
    rows = {r.space: r for r in indicators.premises_rows(2025)}
    assert rows["Hal 1"].open_hours == pytest.approx((365 - 2) * 17)
    assert rows["Hal 1"].booked == pytest.approx({"children_youth": 2.0, "adults": 3.0, "other": 1.0})
    assert rows["Hal 1"].utilisation == pytest.approx(6 / (363 * 17))
    # The court follows the hall's opening hours and closures; nothing is booked on it.
    assert rows["Bane A"].open_hours == pytest.approx(363 * 17) and rows["Bane A"].booked_hours == 0

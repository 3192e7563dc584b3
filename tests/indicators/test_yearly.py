"""The yearly cycle's indicators against the hand count in yearly_data.py (SQLite, and PostgreSQL in its pass)."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.services.figures import yearly
from tests.indicators.yearly_data import YearlyData


@pytest.fixture
def cycle(app) -> YearlyData:
    return YearlyData()


def _bands(row) -> dict:
    return {band: (row.band(band, "in"), row.band(band, "out")) for band in yearly.BANDS}


def test_members_by_age_band_come_from_approved_reports_only(cycle):
    y25, y26 = yearly.year_rows(2027)
    assert (y25.year, y25.reports, y25.approved) == (2025, 3, 2)
    assert _bands(y25) == {"0_6": (5, 1), "7_12": (30, 2), "13_17": (4, 0), "18_24": (2, 1), "25_59": (9, 1),
                           "60_plus": (1, 0)}
    assert (y25.total_members, y25.under_25, y25.residents("in"), y25.residents("out")) == (56, 45, 51, 5)
    assert y25.activity_hours == 350
    assert (y26.year, y26.reports, y26.approved) == (2026, 3, 3)
    assert _bands(y26) == {"0_6": (4, 3), "7_12": (37, 1), "13_17": (8, 2), "18_24": (3, 0), "25_59": (5, 0),
                           "60_plus": (2, 0)}
    assert (y26.total_members, y26.under_25, y26.activity_hours) == (65, 58, 400)


def test_calculated_subsidy_per_member_and_per_hour(cycle):
    y25, y26 = yearly.year_rows(2027)
    assert y25.granted == {"activity": 22_500, "premises": 4_000} and y25.total_granted == 26_500
    assert y25.associations_granted == 2
    assert y25.per_member_under_25 == pytest.approx(588.888, abs=0.01)
    assert y25.per_activity_hour == pytest.approx(75.714, abs=0.01)
    assert y26.granted == {"activity": 27_000, "premises": 8_000} and y26.associations_granted == 3
    assert y26.per_member_under_25 == pytest.approx(603.448, abs=0.01) and y26.per_activity_hour == 87.5


def test_change_from_the_year_before(cycle):
    y25, y26 = yearly.year_rows(2027)
    assert y25.change("under_25") is None  # 2024 has no campaign
    assert y26.change("under_25") == pytest.approx(28.889, abs=0.01)
    assert y26.change("total_granted") == pytest.approx(32.075, abs=0.01)
    assert y26.change("per_activity_hour") == pytest.approx(15.566, abs=0.01)
    # Showing one year still compares it with the year before.
    [only] = yearly.year_rows(2026, years=1)
    assert only.year == 2026 and only.change("total_granted") == pytest.approx(32.075, abs=0.01)


def test_a_changed_report_moves_only_its_own_year(cycle):
    cycle.y26.members = {**cycle.y26.members, "18_24": {"in": 10, "out": 0}}
    db.session.commit()
    y25, y26 = yearly.year_rows(2027)
    assert (y25.under_25, y26.under_25, y26.band("18_24", "in")) == (45, 68, 13)


def test_no_campaigns_no_rows(app):
    assert yearly.year_rows(2027) == []


def test_change_per_age_band(cycle):
    _y25, y26 = yearly.year_rows(2027)
    assert y26.band_change("7_12") == pytest.approx((38 - 32) / 32 * 100)
    assert y26.band_change("13_17") == pytest.approx(150.0) and y26.band_change("25_59") == pytest.approx(-50.0)

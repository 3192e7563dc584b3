"""Series expansion keeps local wall-clock times across daylight-saving changes (pure functions)."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from app.services.premises.recurrence import (TZ, SeriesError, expand, parse_iso_week, parse_month, series_days, to_utc,
                                     weekly_in_period)


def test_weekly_series_across_autumn_dst_change_keeps_local_time():
    # Copenhagen leaves summer time on Sunday 25 October 2026.
    slots = expand(date(2026, 10, 13), time(18), time(20), "weekly", until=date(2026, 11, 3))
    assert [s.local_start().strftime("%Y-%m-%d %H:%M") for s in slots] == [
        "2026-10-13 18:00", "2026-10-20 18:00", "2026-10-27 18:00", "2026-11-03 18:00"]
    assert [s.starts_at.hour for s in slots] == [16, 16, 17, 17]  # UTC shifts, local time does not
    assert all(s.ends_at - s.starts_at == timedelta(hours=2) for s in slots)
    assert all(s.starts_at.tzinfo == timezone.utc for s in slots)


def test_biweekly_series_across_spring_dst_change():
    # Summer time starts on Sunday 29 March 2026.
    slots = expand(date(2026, 3, 17), time(19, 30), time(21), "biweekly", until=date(2026, 4, 14))
    assert [s.local_day() for s in slots] == [date(2026, 3, 17), date(2026, 3, 31), date(2026, 4, 14)]
    assert [s.local_start().time() for s in slots] == [time(19, 30)] * 3
    assert [s.starts_at.hour for s in slots] == [18, 17, 17]


def test_a_booking_on_the_night_of_the_change_lasts_its_real_length():
    # 01:00-04:00 local on the night clocks go back is four real hours.
    [s] = expand(date(2026, 10, 25), time(1), time(4))
    assert s.ends_at - s.starts_at == timedelta(hours=4)


def test_a_time_skipped_by_summer_time_moves_on():
    assert to_utc(date(2026, 3, 29), time(2, 30)).astimezone(TZ).time() == time(3, 30)


def test_exceptions_are_left_out():
    days = series_days(date(2026, 9, 1), "weekly", date(2026, 9, 29), frozenset({date(2026, 9, 15)}))
    assert days == [date(2026, 9, 1), date(2026, 9, 8), date(2026, 9, 22), date(2026, 9, 29)]


def test_single_booking_ignores_until():
    assert series_days(date(2026, 9, 1), "none", None) == [date(2026, 9, 1)]


@pytest.mark.parametrize("kwargs, code", [
    ({"start": time(20), "end": time(18)}, "end_before_start"),
    ({"start": time(18), "end": time(18)}, "end_before_start"),
    ({"frequency": "weekly", "until": None}, "until_missing"),
    ({"frequency": "weekly", "until": date(2026, 8, 1)}, "until_before_first"),
    ({"frequency": "weekly", "until": date(2028, 1, 1)}, "too_long"),
    ({"frequency": "daily", "until": date(2026, 9, 10)}, "bad_frequency"),
])
def test_bad_series_are_refused_with_a_code(kwargs, code):
    args = {"first": date(2026, 9, 1), "start": time(18), "end": time(20), "frequency": "none", "until": None}
    args.update(kwargs)
    with pytest.raises(SeriesError) as info:
        expand(**args)
    assert info.value.code == code


def test_a_whole_year_weekly_is_allowed():
    assert len(expand(date(2026, 1, 1), time(18), time(19), "weekly", until=date(2026, 12, 31))) == 53


def test_season_series_on_a_weekday():
    slots = weekly_in_period(1, time(17), time(19), date(2026, 10, 1), date(2026, 10, 31))
    assert [s.local_day() for s in slots] == [date(2026, 10, d) for d in (6, 13, 20, 27)]
    assert {s.local_start().time() for s in slots} == {time(17)}


def test_week_and_month_parameters_fall_back_to_today():
    today = date(2026, 10, 14)
    assert parse_iso_week("2026-W41", today) == date(2026, 10, 5)
    assert parse_iso_week("junk", today) == date(2026, 10, 12)
    assert parse_iso_week("2026-W99", today) == date(2026, 10, 12)
    assert parse_month("2026-02", today) == date(2026, 2, 1)
    assert parse_month("2026-13", today) == date(2026, 10, 1)


def test_slots_compare_by_time():
    a = expand(date(2026, 9, 1), time(18), time(20))[0]
    assert a.overlaps(a.starts_at + timedelta(hours=1), a.ends_at + timedelta(hours=1))
    assert not a.overlaps(a.ends_at, a.ends_at + timedelta(hours=1))  # half-open: back to back is fine
    assert isinstance(a.starts_at, datetime)

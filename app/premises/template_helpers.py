"""Template filters and labels for the premises pages (registered app-wide by the blueprint)."""
from __future__ import annotations

from datetime import date, datetime, time

from app import clock
from app.formatting import hhmm, short_weekday_day, weekday_day_in_words
from app.premises import bp
from app.services.premises.messages import (AGE_GROUP_LABELS, BOOKABLE_BY_LABELS, RECURRENCE_LABELS, STATUS_LABELS, WEEKDAYS,
                                   when_span)


@bp.app_template_filter("hhmm")
def hhmm_filter(value: time | datetime | None) -> str:
    """18:00 (a datetime is shown in Danish local time)."""
    if value is None:
        return ""
    return hhmm(clock.local(value).time() if isinstance(value, datetime) else value)


@bp.app_template_filter("long_day")
def long_day(value: date) -> str:
    """'tirsdag 13. oktober 2026'."""
    return weekday_day_in_words(value)


@bp.app_template_filter("short_day")
def short_day(value: date) -> str:
    """'tirs. 13. okt.'."""
    return short_weekday_day(value)


@bp.app_template_global("booking_when")
def booking_when(item: object) -> str:
    """A booking's or slot's time in words."""
    return when_span(item.starts_at, item.ends_at)


@bp.app_template_global("iso_week")
def iso_week(day: date | datetime) -> str:
    """'2026-W41' for links between weeks (an instant counts by its Danish date)."""
    if isinstance(day, datetime):
        day = clock.local(day).date()
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@bp.app_context_processor
def premises_labels() -> dict:
    return {"WEEKDAYS": WEEKDAYS, "AGE_GROUP_LABELS": AGE_GROUP_LABELS, "BOOKABLE_BY_LABELS": BOOKABLE_BY_LABELS,
            "RECURRENCE_LABELS": RECURRENCE_LABELS, "BOOKING_STATUS_LABELS": STATUS_LABELS}

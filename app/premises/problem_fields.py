"""Put each rule problem next to the form field it is about (and so in the error summary)."""
from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm

from app.services.premises.messages import describe
from app.services.premises.rules import Problem

FIELD_FOR = {
    "end_before_start": "end_time", "outside_hours": "start_time", "closed_weekday": "first_day",
    "until_missing": "until", "until_before_first": "until", "too_long": "until",
    "bad_frequency": "recurrence", "over_capacity": "participants", "in_past": "first_day",
    "taken": "first_day", "closed": "first_day", "all_unavailable": "first_day", "season_round": "first_day",
    "only_approved": "association_id", "no_informal": "association_id", "child_certificate": "association_id",
    "window_closed": "space_id", "round_locked": "space_id", "not_bookable": "first_day",
}
# A wish form has a weekday instead of a first date.
WISH_FALLBACK = {"first_day": "weekday", "association_id": "space_id", "until": "weekday"}


def attach_problems(form: FlaskForm, problems: list[Problem]) -> None:
    """Add each problem's Danish message to its field; problems without a field become a flash."""
    for problem in problems:
        name = FIELD_FOR.get(problem.code)
        if name is not None and not hasattr(form, name):
            name = WISH_FALLBACK.get(name)
        field = getattr(form, name, None) if name else None
        message = describe(problem.code, **problem.params)
        if field is None:
            flash(message, "error")
        else:
            field.errors = list(field.errors) + [message]

"""Public pages without login: the catalogue, a space, its week and month calendars, private feeds."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from flask import Response, abort, render_template, request
from flask_login import current_user

from app import clock
from app.access import get_or_404, is_public, member_associations
from app.models import Space
from app.premises import bp
from app.premises.calendar import Busy, day_plan, month_days, month_grid, week_days
from app.premises.fields import parse_int
from app.services.premises.recurrence import parse_iso_week, parse_month, week_start
from app.services.premises import catalogue
from app.services.premises.ical import feed_calendar
from app.services.premises.occupancy import blocking_bookings


@bp.route("/")
def catalogue_page():
    """Find a space: filters for capacity and accessibility."""
    min_capacity = parse_int(request.args.get("plads", "")[:9])
    step_free, disabled = request.args.get("niveaufri") == "1", request.args.get("handicap") == "1"
    locations = catalogue.published_locations(min_capacity if min_capacity and min_capacity > 0 else None,
                                              step_free, disabled)
    return render_template("premises/catalogue.html", locations=locations, min_capacity=min_capacity,
                           step_free=step_free, disabled=disabled)


@bp.route("/<int:space_id>")
def space(space_id: int):
    """A space: facts, rules, opening hours, closures, equipment, links to its calendar."""
    found = get_or_404(Space, space_id, is_public)
    return render_template("premises/space.html", space=found, hours=catalogue.effective_hours(found),
                           closures=catalogue.effective_closures(found, since=clock.today()),
                           equipment=catalogue.location_equipment(found.location_id))


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clock.TZ).astimezone(timezone.utc)


def _label(booking, space: Space, own_ids: set[int]) -> str | None:
    """Who booked is shown to staff and to the association itself, never to the public."""
    if current_user.is_authenticated and current_user.is_staff:
        name = booking.association.name if booking.association else booking.title
    elif booking.association_id in own_ids:
        name = booking.association.name
    else:
        return None
    return name if booking.space_id == space.id else f"{name} ({booking.space.name})"


def plans_for(space: Space, days: list[date]) -> list:
    """Day plans for a space over `days`, labelled for the current viewer."""
    own_ids = {a.id for a in member_associations()}
    bookings = blocking_bookings(space, _utc_midnight(days[0]), _utc_midnight(days[-1] + timedelta(days=1)))
    busy = [Busy(b.starts_at, b.ends_at, _label(b, space, own_ids), b.association_id in own_ids, b.id)
            for b in bookings]
    hours, closures = catalogue.effective_hours(space), catalogue.effective_closures(space, since=days[0])
    return [day_plan(d, hours, closures, busy) for d in days]


@bp.route("/<int:space_id>/uge")
def week(space_id: int):
    """Free and taken time, one week; links to the weeks before and after."""
    found = get_or_404(Space, space_id, is_public)
    monday = parse_iso_week(request.args.get("uge"), clock.today())
    if not 2000 <= monday.year <= 2100:
        abort(404)
    plans = plans_for(found, week_days(monday))
    return render_template("premises/week.html", space=found, monday=monday, plans=plans,
                           previous=monday - timedelta(days=7), following=monday + timedelta(days=7),
                           this_week=week_start(clock.today()))


@bp.route("/<int:space_id>/maaned")
def month(space_id: int):
    """A month at a glance; each day links to its week."""
    found = get_or_404(Space, space_id, is_public)
    first = parse_month(request.args.get("maaned"), clock.today())
    if not 2000 <= first.year <= 2100:
        abort(404)
    plans = {p.day: p for p in plans_for(found, month_days(first))}
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return render_template("premises/month.html", space=found, first=first, grid=month_grid(first), plans=plans,
                           previous=previous, following=following)


@bp.route("/kalender/<token>.ics")
def feed(token: str):
    """A private iCalendar feed; the token in the address is the only key (404 when wrong)."""
    found = catalogue.feed_by_token(token)
    if found is None:
        abort(404)
    response = Response(feed_calendar(found), mimetype="text/calendar")
    response.headers["Content-Disposition"] = "inline; filename=lokaler.ics"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response

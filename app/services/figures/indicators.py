"""Indicators computed by the database: grants per year, committee and pool; premises use.

Counts, sums and distinct counts are SQL aggregates (GROUP BY). Processing-time percentiles use
PostgreSQL's percentile_cont; SQLite has no percentile function, so there the database returns only
the ordered durations of each group and `percentile()` interpolates them the way percentile_cont does.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from sqlalchemy import and_, case, extract, func

from app import clock
from app.extensions import db
from app.models import Case, Committee, Pool
from app.models.premises import AllocationWish, Booking, BookingRequest, Location, Space
from workflows import registry

LEVELS = ("pool", "committee", "total")


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows: one year, optionally one committee or one pool."""

    year: int
    committee_id: int | None = None
    pool_id: int | None = None


@dataclass
class GrantRow:
    """The grant indicators of one group (a pool, a committee, or everything)."""

    committee: str | None = None
    pool: str | None = None
    applications: int = 0
    decided: int = 0
    granted: int = 0
    granted_amount: int = 0
    associations: int = 0
    new_associations: int = 0
    new_initiatives: int = 0
    median_days: float | None = None
    p90_days: float | None = None
    key: tuple = field(default=(), repr=False)

    @property
    def share_granted(self) -> float | None:
        """Granted as a share of the decided applications (undecided ones are not counted)."""
        return self.granted / self.decided if self.decided else None


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year in Danish local time, as UTC instants [start, end)."""
    start = datetime.combine(date(year, 1, 1), time(0), clock.TZ).astimezone(timezone.utc)
    end = datetime.combine(date(year + 1, 1, 1), time(0), clock.TZ).astimezone(timezone.utc)
    return start, end


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks, as PostgreSQL's percentile_cont."""
    if not values:
        return None
    position = q * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def _is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def days_between(start, end):
    """SQL expression: days from `start` to `end` as a decimal number."""
    if _is_postgres():
        return extract("epoch", end - start) / 86400.0
    return func.julianday(end) - func.julianday(start)


def _granted():
    return and_(Case.decided_at.is_not(None), Case.granted_amount > 0)


def _group_columns(level: str) -> list:
    if level == "pool":
        return [Committee.id, Committee.name, Pool.id, Pool.name]
    if level == "committee":
        return [Committee.id, Committee.name]
    return []


def _scope(stmt, filters: Filters):
    start, end = year_bounds(filters.year)
    stmt = (stmt.select_from(Case).join(Pool, Pool.id == Case.pool_id).join(Committee, Committee.id == Pool.committee_id)
            .where(Case.workflow.in_(registry.GRANT_WORKFLOWS),  # premises loans are measured by their use
                   Case.submitted_at >= start, Case.submitted_at < end))
    if filters.committee_id is not None:
        stmt = stmt.where(Pool.committee_id == filters.committee_id)
    if filters.pool_id is not None:
        stmt = stmt.where(Case.pool_id == filters.pool_id)
    return stmt


def _first_cases():
    """Each association's first submitted case (any pool, any year)."""
    return (db.select(Case.association_id.label("association_id"), func.min(Case.submitted_at).label("first_at"))
            .where(Case.submitted_at.is_not(None)).group_by(Case.association_id).subquery())


def _aggregates(filters: Filters) -> list:
    first = _first_cases()
    start, _end = year_bounds(filters.year)
    granted = _granted()
    new = and_(granted, first.c.first_at >= start)
    return [
        func.count(Case.id).label("applications"),
        func.count(Case.decided_at).label("decided"),
        func.coalesce(func.sum(case((granted, 1), else_=0)), 0).label("granted"),
        func.coalesce(func.sum(case((granted, Case.granted_amount), else_=0)), 0).label("granted_amount"),
        func.count(func.distinct(case((granted, Case.association_id)))).label("associations"),
        func.count(func.distinct(case((new, Case.association_id)))).label("new_associations"),
        func.coalesce(func.sum(case((and_(granted, Case.workflow == registry.NEW_INITIATIVE), 1), else_=0)), 0)
        .label("new_initiatives"),
    ], first


def grant_rows(filters: Filters, level: str = "pool") -> list[GrantRow]:
    """One row per pool, per committee, or one total row, for the filters' year."""
    groups = _group_columns(level)
    aggregates, first = _aggregates(filters)
    duration = days_between(Case.submitted_at, Case.decided_at)
    extra = []
    if _is_postgres():
        extra = [func.percentile_cont(0.5).within_group(duration).label("median_days"),
                 func.percentile_cont(0.9).within_group(duration).label("p90_days")]
    stmt = _scope(db.select(*groups, *aggregates, *extra), filters).outerjoin(
        first, first.c.association_id == Case.association_id)
    if groups:
        names = [Committee.name, Pool.name] if level == "pool" else [Committee.name]
        stmt = stmt.group_by(*groups).order_by(*names, *groups)
    rows = [_row(r, level, len(groups)) for r in db.session.execute(stmt)]
    if level == "total" and rows and rows[0].applications == 0:
        rows[0].median_days = rows[0].p90_days = None
    if not _is_postgres():
        _fill_percentiles(rows, filters, groups)
    return rows


def _row(r, level: str, n_groups: int) -> GrantRow:
    m = r._mapping
    key = tuple(r[:n_groups])
    committee = r[1] if level in ("pool", "committee") else None
    pool = r[3] if level == "pool" else None
    values = {k: m[k] for k in ("applications", "decided", "granted", "granted_amount", "associations",
                                "new_associations", "new_initiatives")}
    row = GrantRow(committee=committee, pool=pool, key=key, **{k: int(v or 0) for k, v in values.items()})
    if "median_days" in m.keys():
        row.median_days = None if m["median_days"] is None else float(m["median_days"])
        row.p90_days = None if m["p90_days"] is None else float(m["p90_days"])
    return row


def _fill_percentiles(rows: list[GrantRow], filters: Filters, groups: list) -> None:
    """SQLite: fetch only each group's ordered durations and interpolate."""
    duration = days_between(Case.submitted_at, Case.decided_at).label("days")
    stmt = _scope(db.select(*groups, duration), filters).where(Case.decided_at.is_not(None)) \
        .order_by(*groups, duration)
    by_key: dict[tuple, list[float]] = {}
    for r in db.session.execute(stmt):
        by_key.setdefault(tuple(r[:len(groups)]), []).append(float(r[len(groups)]))
    for row in rows:
        values = by_key.get(row.key, [])
        row.median_days, row.p90_days = percentile(values, 0.5), percentile(values, 0.9)


def totals_by_year(filters: Filters, years: int = 5) -> list[tuple[int, GrantRow]]:
    """The total row for each of the last `years` years up to the filters' year."""
    out = []
    for year in range(filters.year - years + 1, filters.year + 1):
        rows = grant_rows(Filters(year, filters.committee_id, filters.pool_id), "total")
        out.append((year, rows[0] if rows else GrantRow()))
    return out


def available_years(today: date) -> list[int]:
    """Years with submitted cases, and the current year; newest first."""
    first = db.session.scalar(db.select(func.min(Case.submitted_at)))
    low = min(clock.local(first).year, today.year) if first else today.year
    return list(range(today.year, low - 1, -1))



# --- premises use --------------------------------------------------------------------------------

@dataclass
class PremisesRow:
    """One space's use in a year: booked hours by age group against its open hours."""

    space_id: int
    space: str
    location: str
    open_hours: float = 0.0
    booked: dict[str, float] = field(default_factory=dict)  # age group -> hours

    @property
    def booked_hours(self) -> float:
        return sum(self.booked.values())

    @property
    def utilisation(self) -> float | None:
        return self.booked_hours / self.open_hours if self.open_hours else None


def _hours_between(start, end):
    if _is_postgres():
        return extract("epoch", end - start) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24


def _booked_hours(year: int) -> dict[tuple[int, str], float]:
    """(space id, age group) -> booked hours; the age group comes from the request or the seasonal wish."""
    start, end = year_bounds(year)
    age = func.coalesce(AllocationWish.age_group, BookingRequest.age_group, "other").label("age")
    stmt = (db.select(Booking.space_id, age, func.sum(_hours_between(Booking.starts_at, Booking.ends_at)))
            .outerjoin(AllocationWish, AllocationWish.id == Booking.wish_id)
            .outerjoin(BookingRequest, BookingRequest.case_id == Booking.case_id)
            .where(Booking.status != "cancelled", Booking.starts_at >= start, Booking.starts_at < end)
            .group_by(Booking.space_id, age))
    return {(space_id, group): float(hours or 0) for space_id, group, hours in db.session.execute(stmt)}


def _open_hours(space, spaces: dict, year: int) -> float:
    """Opening hours over the year (a space without hours of its own follows its parent), less closures."""
    owner = space
    while owner is not None and not owner.hours:
        owner = spaces.get(owner.parent_id)
    if owner is None:
        return 0.0
    per_weekday = {h.weekday: (datetime.combine(date.min, h.closes) - datetime.combine(date.min, h.opens))
                   .total_seconds() / 3600 for h in owner.hours}
    closed = _closed_days(space, spaces, year)
    day, total = date(year, 1, 1), 0.0
    while day.year == year:
        if day not in closed:
            total += per_weekday.get(day.weekday(), 0.0)
        day = date.fromordinal(day.toordinal() + 1)
    return total


def _closed_days(space, spaces: dict, year: int) -> set[date]:
    days: set[date] = set()
    node = space
    while node is not None:
        for closure in node.closures:
            day = max(closure.starts_on, date(year, 1, 1))
            while day <= min(closure.ends_on, date(year, 12, 31)):
                days.add(day)
                day = date.fromordinal(day.toordinal() + 1)
        node = spaces.get(node.parent_id)
    return days


def premises_rows(year: int) -> list[PremisesRow]:
    """Every space's use in `year`; empty when the municipality has no spaces."""
    spaces = {s.id: s for s in db.session.scalars(
        db.select(Space).join(Location, Location.id == Space.location_id)
        .options(db.selectinload(Space.hours), db.selectinload(Space.closures), db.joinedload(Space.location))
        .order_by(Location.name, Space.name))}
    booked = _booked_hours(year) if spaces else {}
    rows = []
    for space in spaces.values():
        groups = {group: hours for (space_id, group), hours in booked.items() if space_id == space.id}
        rows.append(PremisesRow(space.id, space.name, space.location.name, _open_hours(space, spaces, year), groups))
    return rows

"""The premises catalogue: locations, spaces, hours, closures, equipment and private calendar feeds."""
from __future__ import annotations

import secrets
from datetime import date, time

from app import clock
from app.extensions import db
from app.models import Association, BookingOccupancy, CalendarFeed, Closure, Equipment, Location, OpeningHours, Space
from app.services.premises import tree
from app.services.premises.rules import ApplicantFacts, SpaceFacts, applicant_problems
from app.services.unit_of_work import flush, insert_if_absent, use_case


class CatalogueError(Exception):
    """A catalogue change that would break the tree; `code` names it."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parents_map(location_id: int) -> dict[int, int | None]:
    """{space id: parent id} for every space at a location (the tree is small)."""
    rows = db.session.execute(db.select(Space.id, Space.parent_id).where(Space.location_id == location_id))
    return {space_id: parent_id for space_id, parent_id in rows}


def _has_coming_holds(space_id: int) -> bool:
    return db.session.scalar(db.select(BookingOccupancy.id).where(
        BookingOccupancy.space_id == space_id, BookingOccupancy.active, BookingOccupancy.ends_at > clock.now()).limit(1)) \
        is not None


def effective_hours(space: Space) -> dict[int, tuple[time, time]]:
    """The space's own opening hours, or else the nearest enclosing space's."""
    current: Space | None = space
    seen: set[int] = set()
    while current is not None and current.id not in seen:
        if current.hours:
            return {h.weekday: (h.opens, h.closes) for h in current.hours}
        seen.add(current.id)
        current = current.parent
    return {}


def effective_closures(space: Space, since: date | None = None) -> tuple[tuple[date, date, str], ...]:
    """Closures of the space, the spaces around it and the spaces in it (all block a booking)."""
    ids = tree.related(parents_map(space.location_id), space.id)
    stmt = db.select(Closure).where(Closure.space_id.in_(ids)).order_by(Closure.starts_on)
    if since is not None:
        stmt = stmt.where(Closure.ends_on >= since)
    return tuple((c.starts_on, c.ends_on, c.reason) for c in db.session.scalars(stmt))


def space_facts(space: Space) -> SpaceFacts:
    """What the booking rules read about a space."""
    return SpaceFacts(capacity=space.capacity, bookable_by=space.bookable_by, hours=effective_hours(space),
                      closures=effective_closures(space, since=clock.today()))


def applicant_facts(association: Association, year: int) -> ApplicantFacts:
    """What the booking rules read about an association."""
    return ApplicantFacts(
        is_informal=association.is_informal, approved=association.approved_for(year),
        missing_child_certificate=association.works_with_children and association.child_certificate_declared_at is None)


def who_may_not_book(space: Space, associations: list[Association], year: int) -> list[tuple[Association, list]]:
    """The associations among `associations` the space's rules refuse, each with its problems (shown before the form)."""
    facts = SpaceFacts(capacity=space.capacity, bookable_by=space.bookable_by, hours={})
    refused = [(a, applicant_problems(facts, applicant_facts(a, year))) for a in associations]
    return [(a, problems) for a, problems in refused if problems]


def published_locations(min_capacity: int | None = None, step_free: bool = False,
                        disabled_suited: bool = False) -> list[tuple[Location, list[Space]]]:
    """The public catalogue, filtered: each location with its matching published spaces."""
    stmt = (db.select(Space).join(Location).where(Space.is_published.is_(True), Location.is_published.is_(True))
            .options(db.joinedload(Space.location), db.joinedload(Space.parent))
            .order_by(Location.name, Space.name))
    if min_capacity:
        stmt = stmt.where(Space.capacity >= min_capacity)
    if step_free:
        stmt = stmt.where(Space.step_free.is_(True))
    if disabled_suited:
        stmt = stmt.where(Space.disabled_suited.is_(True))
    grouped: dict[int, tuple[Location, list[Space]]] = {}
    for space in db.session.scalars(stmt):
        grouped.setdefault(space.location_id, (space.location, []))[1].append(space)
    return [(location, sorted(spaces, key=_tree_order)) for location, spaces in grouped.values()]


def _tree_order(space: Space) -> tuple:
    # A hall is listed with its courts right after it.
    return (space.parent.name if space.parent else space.name), space.parent_id is not None, space.name


def all_locations() -> list[Location]:
    """Every location with its spaces and equipment (staff pages)."""
    return list(db.session.scalars(db.select(Location).order_by(Location.name).options(
        db.selectinload(Location.spaces), db.selectinload(Location.equipment))))


def location_named(name: str) -> Location | None:
    """The location with this name, if any (names are unique)."""
    return db.session.scalar(db.select(Location).where(Location.name == name))


@use_case
def save_location(location: Location | None, **fields: object) -> Location:
    """Create or update a location."""
    location = location or Location()
    for key, value in fields.items():
        setattr(location, key, value)
    db.session.add(location)
    flush()  # callers composing it use the new location's id
    return location


@use_case
def save_space(space: Space | None, location_id: int, parent_id: int | None, **fields: object) -> Space:
    """Create or update a space; refuses a parent elsewhere or inside the space itself."""
    parents = parents_map(location_id)
    if parent_id is not None and parent_id not in parents:
        raise CatalogueError("parent_elsewhere")
    if space is not None and tree.would_cycle(parents, space.id, parent_id):
        raise CatalogueError("parent_cycle")
    if space is not None and space.parent_id != parent_id and _has_coming_holds(space.id):
        raise CatalogueError("has_bookings")  # the occupancy rows already written follow the old tree
    space = space or Space()
    space.location_id, space.parent_id = location_id, parent_id
    for key, value in fields.items():
        setattr(space, key, value)
    db.session.add(space)
    flush()  # callers composing it use the new space's id
    return space


@use_case
def set_opening_hours(space: Space, hours: dict[int, tuple[time, time] | None]) -> None:
    """Replace the space's opening hours (None for a weekday: closed or inherited)."""
    space.hours = [OpeningHours(weekday=day, opens=pair[0], closes=pair[1])
                   for day, pair in sorted(hours.items()) if pair is not None]


@use_case
def add_closure(space: Space, starts_on: date, ends_on: date, reason: str) -> Closure:
    """Close a space (and what is in it) for some days."""
    closure = Closure(space_id=space.id, starts_on=starts_on, ends_on=ends_on, reason=reason)
    db.session.add(closure)
    flush()
    return closure


@use_case
def delete_closure(closure: Closure) -> None:
    """Reopen."""
    db.session.delete(closure)


@use_case
def save_equipment(item: Equipment | None, location_id: int, **fields: object) -> Equipment:
    """Create or update a piece of equipment."""
    item = item or Equipment()
    item.location_id = location_id
    for key, value in fields.items():
        setattr(item, key, value)
    db.session.add(item)
    flush()
    return item


def location_equipment(location_id: int) -> list[Equipment]:
    """Published equipment at a location."""
    return list(db.session.scalars(db.select(Equipment).where(
        Equipment.location_id == location_id, Equipment.is_published.is_(True)).order_by(Equipment.name)))


@use_case
def feed_for(*, association_id: int | None = None, space_id: int | None = None) -> CalendarFeed:
    """The private feed of an association or a space, created on first use (two clicks at once make one)."""
    owner = {"association_id": association_id} if association_id else {"space_id": space_id}
    stmt = db.select(CalendarFeed).filter_by(**owner)
    feed = db.session.scalar(stmt)
    if feed is None:
        insert_if_absent(CalendarFeed, {"token": secrets.token_urlsafe(32), **owner}, unique=tuple(owner))
        feed = db.session.scalar(stmt)
    return feed


def feed_by_association(association_id: int) -> CalendarFeed | None:
    """The association's feed, if it has made one."""
    return db.session.scalar(db.select(CalendarFeed).where(CalendarFeed.association_id == association_id))


def feed_by_space(space_id: int) -> CalendarFeed | None:
    """The space's feed, if one has been made."""
    return db.session.scalar(db.select(CalendarFeed).where(CalendarFeed.space_id == space_id))


@use_case
def renew_feed(feed: CalendarFeed) -> CalendarFeed:
    """Give the feed a new secret; the old address stops working at once."""
    feed.token, feed.renewed_at = secrets.token_urlsafe(32), clock.now()
    return feed


def feed_by_token(token: str) -> CalendarFeed | None:
    """The feed a secret belongs to, or None."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(db.select(CalendarFeed).where(CalendarFeed.token == token))

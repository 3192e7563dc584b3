"""The public, opt-in directory of associations: each association's own listing, and the visitors' search."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_

from app.extensions import db
from app.models import Association, AssociationListing, ListingActivity, User
from app.models.premises import Booking, Location, Space
from app.models.report import AGE_BANDS
from app.services.unit_of_work import use_case

AGE_KEYS = tuple(band for band, _label in AGE_BANDS)
MAX_ACTIVITIES = 10


class ListingError(Exception):
    """The listing cannot be saved; `code` says why."""

    def __init__(self, code: str, index: int | None = None) -> None:
        super().__init__(code)
        self.code, self.index = code, index


@dataclass(frozen=True)
class ActivityInput:
    """One activity as typed: what, for whom, when, where."""

    name: str
    description: str = ""
    ages: frozenset[str] = frozenset()
    when_text: str = ""
    where_text: str = ""
    space_id: int | None = None


@dataclass(frozen=True)
class ListingInput:
    """The whole listing as typed; `is_public` is the association's opt-in."""

    is_public: bool
    description: str = ""
    contact: str = ""
    website: str | None = None
    activities: list[ActivityInput] = field(default_factory=list)


def listing_for(association_id: int) -> AssociationListing | None:
    """The association's listing, public or not."""
    return db.session.scalar(db.select(AssociationListing).where(AssociationListing.association_id == association_id)
                             .options(db.selectinload(AssociationListing.activities)))


def booked_spaces(association_id: int) -> list:
    """The spaces the association has active bookings in."""
    booked = db.select(Booking.space_id).where(Booking.association_id == association_id,
                                               Booking.status != "cancelled")
    return list(db.session.scalars(db.select(Space).join(Location, Location.id == Space.location_id)
                                   .where(Space.id.in_(booked)).options(db.joinedload(Space.location))
                                   .order_by(Location.name, Space.name)))


def _activity(position: int, data: ActivityInput, allowed_spaces: set[int]) -> ListingActivity:
    if data.space_id is not None and data.space_id not in allowed_spaces:
        raise ListingError("space", position)
    return ListingActivity(position=position, name=data.name.strip(), description=data.description.strip(),
                           when_text=data.when_text.strip(), where_text=data.where_text.strip(),
                           space_id=data.space_id, **{f"age_{key}": key in data.ages for key in AGE_KEYS})


@use_case
def save_listing(association_id: int, user: User, data: ListingInput) -> AssociationListing:
    """Use case: create or replace the association's listing and its activities."""
    if len(data.activities) > MAX_ACTIVITIES:
        raise ListingError("too_many")
    if data.is_public and not (data.description.strip() or data.activities):
        raise ListingError("empty_public")
    allowed = {space.id for space in booked_spaces(association_id)}
    listing = listing_for(association_id) or AssociationListing(association_id=association_id)
    activities = [_activity(i, a, allowed) for i, a in enumerate(data.activities)]
    listing.is_public, listing.description, listing.contact = data.is_public, data.description.strip(), data.contact.strip()
    listing.website, listing.updated_by_id = data.website or None, user.id
    listing.activities = activities
    db.session.add(listing)
    return listing


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matching_activity(text: str | None, age: str | None):
    conditions = [ListingActivity.listing_id == AssociationListing.id]
    if age in AGE_KEYS:
        conditions.append(getattr(ListingActivity, f"age_{age}").is_(True))
    if text:
        pattern = _like(text)
        conditions.append(or_(func.lower(ListingActivity.name).like(pattern, escape="\\"),
                              func.lower(ListingActivity.description).like(pattern, escape="\\"),
                              func.lower(Association.name).like(pattern, escape="\\")))
    return db.select(ListingActivity.id).where(*conditions).exists()


def search(text: str | None = None, age: str | None = None, limit: int = 100) -> list[AssociationListing]:
    """Public listings with an activity matching the words and the age group (both optional)."""
    text = (text or "").strip()[:100]
    stmt = (db.select(AssociationListing).join(Association, Association.id == AssociationListing.association_id)
            .where(AssociationListing.is_public.is_(True))
            .options(db.joinedload(AssociationListing.association),
                     db.selectinload(AssociationListing.activities).joinedload(ListingActivity.space))
            .order_by(Association.name, AssociationListing.id).limit(limit))
    if age in AGE_KEYS:
        stmt = stmt.where(_matching_activity(text, age))
    elif text:
        pattern = _like(text)
        stmt = stmt.where(or_(_matching_activity(text, None),
                              func.lower(AssociationListing.description).like(pattern, escape="\\")))
    return list(db.session.scalars(stmt))


def public_listing(listing_id: int) -> AssociationListing | None:
    """A listing a visitor may see (None unless the association opted in)."""
    return db.session.scalar(db.select(AssociationListing).where(
        AssociationListing.id == listing_id, AssociationListing.is_public.is_(True))
        .options(db.joinedload(AssociationListing.association),
                 db.selectinload(AssociationListing.activities).joinedload(ListingActivity.space)))

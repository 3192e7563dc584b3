"""Premises: locations, spaces as a tree, equipment, bookings with their occupancy rows, seasonal rounds.

No double booking is enforced by the database: every booking writes one `BookingOccupancy` row per
affected space (the booked space and its descendants in full, its ancestors in part). PostgreSQL refuses
overlapping active rows with an exclusion constraint created in the migration (SQLAlchemy cannot
express it portably, so it is not declared here); SQLite gets the same check inside the write lock.
"""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime

BOOKABLE_BY = ("approved", "associations", "informal")
BOOKING_STATUSES = ("reserved", "confirmed", "cancelled")
AGE_GROUPS = ("children_youth", "adult_education", "adults")
ROUND_STATUSES = ("open", "allocated", "committee", "published")
WISH_STATUSES = ("pending", "allocated", "declined")


class Location(db.Model):
    """A school, a sports centre: an address holding spaces and equipment."""

    __tablename__ = "premises_locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    is_published: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    spaces: Mapped[list["Space"]] = relationship(back_populates="location", order_by="Space.name")
    equipment: Mapped[list["Equipment"]] = relationship(back_populates="location", order_by="Equipment.name")


class Space(db.Model):
    """A room, hall or court; `parent_id` nests courts in a hall (booking one blocks the other)."""

    __tablename__ = "premises_spaces"
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("bookable_by IN ('approved','associations','informal')", name="bookable_by"),
        CheckConstraint("cancel_deadline_hours >= 0", name="cancel_deadline_positive"),
        CheckConstraint("max_cancellations IS NULL OR max_cancellations >= 0", name="max_cancellations_positive"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        Index("ix_premises_spaces_location", "location_id"),
        Index("ix_premises_spaces_parent", "parent_id"),
        Index("ix_premises_spaces_updated", "updated_at", "id"),  # the API's list: updated_since and its cursor
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("premises_locations.id", ondelete="RESTRICT"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("premises_spaces.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int | None]
    facilities: Mapped[str] = mapped_column(Text, default="")
    step_free: Mapped[bool] = mapped_column(default=False)
    disabled_suited: Mapped[bool] = mapped_column(default=False)
    rules_text: Mapped[str] = mapped_column(Text, default="")
    bookable_by: Mapped[str] = mapped_column(String(16), default="approved")
    cancel_deadline_hours: Mapped[int] = mapped_column(default=24)
    max_cancellations: Mapped[int | None]  # per association and season; None: no limit
    auto_approve: Mapped[bool] = mapped_column(default=False)
    is_published: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    location: Mapped[Location] = relationship(back_populates="spaces")
    parent: Mapped["Space | None"] = relationship(remote_side=[id])
    hours: Mapped[list["OpeningHours"]] = relationship(order_by="OpeningHours.weekday", cascade="all, delete-orphan")
    closures: Mapped[list["Closure"]] = relationship(order_by="Closure.starts_on", cascade="all, delete-orphan")


class OpeningHours(db.Model):
    """When a space is open on one weekday (0 = Monday); no row means closed that day."""

    __tablename__ = "premises_opening_hours"
    __table_args__ = (
        UniqueConstraint("space_id", "weekday"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("closes > opens", name="closes_after_opens"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("premises_spaces.id", ondelete="CASCADE"))
    weekday: Mapped[int]
    opens: Mapped[time]
    closes: Mapped[time]


class Closure(db.Model):
    """Days a space (and everything inside it) is closed: holidays, maintenance."""

    __tablename__ = "premises_closures"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_starts"),
        Index("ix_premises_closures_space", "space_id", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("premises_spaces.id", ondelete="CASCADE"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200), default="")


class Equipment(db.Model):
    """Equipment a location lends with its spaces (projector, sound system, mats)."""

    __tablename__ = "premises_equipment"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_premises_equipment_location", "location_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("premises_locations.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[int] = mapped_column(default=1)
    is_published: Mapped[bool] = mapped_column(default=True)

    location: Mapped[Location] = relationship(back_populates="equipment")


class CalendarFeed(db.Model):
    """A private iCalendar feed for an association or a space; the token is the secret in its URL."""

    __tablename__ = "premises_calendar_feeds"
    __table_args__ = (
        CheckConstraint("(association_id IS NULL) <> (space_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    association_id: Mapped[int | None] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), unique=True)
    space_id: Mapped[int | None] = mapped_column(ForeignKey("premises_spaces.id", ondelete="CASCADE"), unique=True)
    renewed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class BookingRequest(db.Model):
    """What an association asked for in a premises_loan case: a space, times and a recurrence."""

    __tablename__ = "booking_requests"
    __table_args__ = (
        CheckConstraint("recurrence IN ('none','weekly','biweekly')", name="recurrence"),
        CheckConstraint("participants > 0", name="participants_positive"),
        CheckConstraint("end_time > start_time", name="end_after_start"),
        Index("ix_booking_requests_space", "space_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), unique=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("premises_spaces.id", ondelete="RESTRICT"))
    purpose: Mapped[str] = mapped_column(String(300))
    participants: Mapped[int]
    age_group: Mapped[str] = mapped_column(String(20), default="children_youth")
    first_day: Mapped[date]
    start_time: Mapped[time]
    end_time: Mapped[time]
    recurrence: Mapped[str] = mapped_column(String(10), default="none")
    until: Mapped[date | None]
    exceptions: Mapped[list] = mapped_column(JSON, default=list)  # ISO dates left out of the series
    equipment_ids: Mapped[list] = mapped_column(JSON, default=list)

    space: Mapped[Space] = relationship()
    slots: Mapped[list["RequestSlot"]] = relationship(order_by="RequestSlot.starts_at", cascade="all, delete-orphan")


class RequestSlot(db.Model):
    """One requested date; the caseworker unselects dates for a partial approval."""

    __tablename__ = "booking_request_slots"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        Index("ix_booking_request_slots_request", "request_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("booking_requests.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    selected: Mapped[bool] = mapped_column(default=True)


class BookingCancellation(db.Model):
    """One act of cancelling one or more bookings; counts against the space's limit per season."""

    __tablename__ = "booking_cancellations"
    __table_args__ = (
        CheckConstraint("kind IN ('association','municipality','system')", name="kind"),
        Index("ix_booking_cancellations_counting", "association_id", "space_id", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int | None] = mapped_column(ForeignKey("associations.id", ondelete="RESTRICT"))
    space_id: Mapped[int] = mapped_column(ForeignKey("premises_spaces.id", ondelete="RESTRICT"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class Booking(db.Model):
    """A time a space is lent to an association (or blocked by the municipality)."""

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("status IN ('reserved','confirmed','cancelled')", name="status"),
        CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        Index("ix_bookings_space_starts", "space_id", "starts_at"),
        Index("ix_bookings_association_starts", "association_id", "starts_at"),
        Index("ix_bookings_case", "case_id"),
        Index("ix_bookings_wish", "wish_id"),
        Index("ix_bookings_updated", "updated_at", "id"),  # the API's list: updated_since and its cursor
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("premises_spaces.id", ondelete="RESTRICT"))
    association_id: Mapped[int | None] = mapped_column(ForeignKey("associations.id", ondelete="RESTRICT"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    wish_id: Mapped[int | None] = mapped_column(ForeignKey("allocation_wishes.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="confirmed")
    cancellation_id: Mapped[int | None] = mapped_column(ForeignKey("booking_cancellations.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    space: Mapped[Space] = relationship()
    association: Mapped["Association | None"] = relationship()  # noqa: F821
    cancellation: Mapped[BookingCancellation | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status != "cancelled"


class BookingOccupancy(db.Model):
    """A booking's hold on one space. `part_id` is NULL for a full hold, else the booked descendant's id.

    Two active rows on the same space and overlapping time collide unless both are partial holds for
    different descendants (two courts in one hall). PostgreSQL: EXCLUDE USING gist (space_id WITH =,
    tstzrange(starts_at, ends_at) WITH &&, int4range(part_id, part_id + 1) WITH &&) WHERE (active).
    """

    __tablename__ = "booking_occupancies"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        Index("ix_booking_occupancies_space_ends", "space_id", "ends_at"),
        Index("ix_booking_occupancies_booking", "booking_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    space_id: Mapped[int] = mapped_column(ForeignKey("premises_spaces.id", ondelete="RESTRICT"))
    part_id: Mapped[int | None]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(default=True)


class AllocationRound(db.Model):
    """A seasonal allocation (sæsonfordeling): an application window and the season it fills."""

    __tablename__ = "allocation_rounds"
    __table_args__ = (
        CheckConstraint("status IN ('open','allocated','committee','published')", name="status"),
        CheckConstraint("closes_on >= opens_on", name="window_order"),
        CheckConstraint("season_end >= season_start", name="season_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id", ondelete="RESTRICT"))
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    season_start: Mapped[date]
    season_end: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    pool: Mapped["Pool"] = relationship()  # noqa: F821


class AllocationWish(db.Model):
    """An association's wish for a weekly time in a round, with what the law's priority reads."""

    __tablename__ = "allocation_wishes"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("end_time > start_time", name="end_after_start"),
        CheckConstraint("participants > 0", name="participants_positive"),
        CheckConstraint("priority BETWEEN 1 AND 99", name="priority_range"),
        CheckConstraint("age_group IN ('children_youth','adult_education','adults')", name="age_group"),
        CheckConstraint("status IN ('pending','allocated','declined')", name="status"),
        Index("ix_allocation_wishes_round_space", "round_id", "space_id"),
        Index("ix_allocation_wishes_case", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("allocation_rounds.id", ondelete="RESTRICT"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="RESTRICT"))
    space_id: Mapped[int] = mapped_column(ForeignKey("premises_spaces.id", ondelete="RESTRICT"))
    weekday: Mapped[int]
    start_time: Mapped[time]
    end_time: Mapped[time]
    participants: Mapped[int]
    age_group: Mapped[str] = mapped_column(String(20))
    for_disabled: Mapped[bool] = mapped_column(default=False)
    priority: Mapped[int] = mapped_column(default=1)  # the association's own order, 1 first
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    dates_total: Mapped[int] = mapped_column(default=0)
    dates_allocated: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    space: Mapped[Space] = relationship()
    association: Mapped["Association"] = relationship()  # noqa: F821

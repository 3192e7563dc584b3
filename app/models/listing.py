"""The public, opt-in directory of associations: a listing and its activities."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime


class AssociationListing(db.Model):
    """What an association shows in the directory; nothing is public until `is_public`."""

    __tablename__ = "association_listings"
    __table_args__ = (Index("ix_association_listings_public", "is_public"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="CASCADE"), unique=True)
    is_public: Mapped[bool] = mapped_column(default=False, server_default=false())
    description: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(300), default="")  # the contact the association chooses to show
    website: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    association: Mapped["Association"] = relationship()  # noqa: F821
    activities: Mapped[list["ListingActivity"]] = relationship(
        back_populates="listing", order_by="ListingActivity.position", cascade="all, delete-orphan")


class ListingActivity(db.Model):
    """One activity: what, for whom (age bands), when and where (optionally one of the spaces it books)."""

    __tablename__ = "listing_activities"
    __table_args__ = (Index("ix_listing_activities_listing", "listing_id", "position"),
                      Index("ix_listing_activities_space", "space_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("association_listings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    age_0_12: Mapped[bool] = mapped_column(default=False)
    age_13_18: Mapped[bool] = mapped_column(default=False)
    age_19_24: Mapped[bool] = mapped_column(default=False)
    age_25_64: Mapped[bool] = mapped_column(default=False)
    age_65_plus: Mapped[bool] = mapped_column(default=False)
    when_text: Mapped[str] = mapped_column(String(200), default="")
    where_text: Mapped[str] = mapped_column(String(200), default="")
    # A soft reference (no foreign key): the directory works with or without the premises module, and its
    # migration does not depend on the premises migration. The service only accepts spaces the association books.
    space_id: Mapped[int | None]

    listing: Mapped[AssociationListing] = relationship(back_populates="activities")
    space: Mapped["Space | None"] = relationship(  # noqa: F821
        primaryjoin="foreign(ListingActivity.space_id) == Space.id", viewonly=True)

"""Committees (udvalg) and their members."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


class Committee(db.Model):
    """A standing committee that owns pools and decides their cases."""

    __tablename__ = "committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)

    members: Mapped[list["CommitteeMember"]] = relationship(back_populates="committee")
    pools: Mapped[list["Pool"]] = relationship(back_populates="committee")  # noqa: F821


class CommitteeMember(db.Model):
    """A staff user's seat on a committee; one chair per committee."""

    __tablename__ = "committee_members"
    __table_args__ = (
        UniqueConstraint("committee_id", "user_id"),
        Index("ix_committee_members_user", "user_id"),
        # At most one chair per committee.
        Index("uq_committee_members_chair", "committee_id", unique=True,
              sqlite_where=db.text("is_chair"), postgresql_where=db.text("is_chair")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    is_chair: Mapped[bool] = mapped_column(default=False)

    committee: Mapped[Committee] = relationship(back_populates="members")
    user: Mapped["User"] = relationship()  # noqa: F821

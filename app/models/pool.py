"""Funding pools (puljer) and their weighted assessment criteria."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, utcnow

APPLICANT_KINDS = ("approved", "associations", "informal")


class Pool(db.Model):
    """A pool with a budget per year, a workflow and a committee that decides it."""

    __tablename__ = "pools"
    __table_args__ = (
        UniqueConstraint("slug"),
        CheckConstraint("budget >= 0", name="budget_positive"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        CheckConstraint("applicants IN ('approved','associations','informal')", name="applicants"),
        CheckConstraint("is_rolling OR deadline IS NOT NULL", name="deadline_or_rolling"),
        CheckConstraint("deadline IS NULL OR opens_on IS NULL OR deadline >= opens_on", name="deadline_after_open"),
        CheckConstraint("delegation_limit IS NULL OR delegation_limit >= 0", name="delegation_positive"),
        CheckConstraint("reply_days > 0", name="reply_days_positive"),
        Index("ix_pools_published_year", "is_published", "year"),
        Index("ix_pools_committee", "committee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="RESTRICT"))
    workflow: Mapped[str] = mapped_column(String(40))
    applicants: Mapped[str] = mapped_column(String(16), default="associations")
    year: Mapped[int]
    budget: Mapped[int] = mapped_column(default=0)  # whole kroner
    opens_on: Mapped[date | None]
    deadline: Mapped[date | None]
    is_rolling: Mapped[bool] = mapped_column(default=False)
    accepts_late: Mapped[bool] = mapped_column(default=False)
    late_reduction_per_month: Mapped[int] = mapped_column(default=0)  # in twelfths
    delegation_limit: Mapped[int | None]
    fast_track_limit: Mapped[int | None]
    reply_days: Mapped[int] = mapped_column(default=14)
    report_due_days: Mapped[int | None]
    rules_text: Mapped[str] = mapped_column(Text, default="")
    appeal_text: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    requires_approval: Mapped[bool] = mapped_column(default=False)
    requires_child_certificate: Mapped[bool] = mapped_column(default=False)
    is_published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    committee: Mapped["Committee"] = relationship(back_populates="pools")  # noqa: F821
    criteria: Mapped[list["PoolCriterion"]] = relationship(
        back_populates="pool", order_by="PoolCriterion.position", cascade="all, delete-orphan")

    def is_open_on(self, day: date) -> bool:
        """True when applications are accepted on `day` (late ones aside)."""
        if self.opens_on and day < self.opens_on:
            return False
        return self.is_rolling or self.deadline is None or day <= self.deadline


class PoolCriterion(db.Model):
    """A weighted assessment criterion, published with the pool."""

    __tablename__ = "pool_criteria"
    __table_args__ = (
        CheckConstraint("weight > 0", name="weight_positive"),
        UniqueConstraint("pool_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(default=1)

    pool: Mapped[Pool] = relationship(back_populates="criteria")

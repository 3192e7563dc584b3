"""A caseworker's assessment of a case: a score per pool criterion and a recommendation."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime

SCORE_MIN, SCORE_MAX = 0, 5


class Assessment(db.Model):
    """One assessment per case; the recommendation becomes the draft reason of the decision."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    recommendation: Mapped[str] = mapped_column(Text, default="")
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    scores: Mapped[list["CriterionScore"]] = relationship(
        back_populates="assessment", order_by="CriterionScore.position", cascade="all, delete-orphan")
    assessed_by: Mapped["User | None"] = relationship()  # noqa: F821


class CriterionScore(db.Model):
    """A score 0-5 on one criterion; name and weight are copied so a later change of the pool keeps the record."""

    __tablename__ = "criterion_scores"
    __table_args__ = (
        UniqueConstraint("assessment_id", "criterion_id"),
        CheckConstraint("score BETWEEN 0 AND 5", name="score_range"),
        CheckConstraint("weight > 0", name="weight_positive"),
        Index("ix_criterion_scores_criterion", "criterion_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    criterion_id: Mapped[int | None] = mapped_column(ForeignKey("pool_criteria.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)
    criterion_name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int] = mapped_column(default=1)
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")

    assessment: Mapped[Assessment] = relationship(back_populates="scores")

"""Funding pools (puljer), their deadline rounds, weighted criteria and eligibility questions."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime
from app.models.legal_basis import LegalBasis

APPLICANT_KINDS = ("approved", "associations", "informal")
PAYMENT_MODES = ("single", "instalments")


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
        CheckConstraint("payment_mode IN ('single','instalments')", name="payment_mode"),
        CheckConstraint("instalment_count BETWEEN 1 AND 24", name="instalment_count_range"),
        CheckConstraint("instalment_interval BETWEEN 1 AND 12", name="instalment_interval_range"),
        Index("ix_pools_published_year", "is_published", "year"),
        Index("ix_pools_committee", "committee_id"),
        Index("ix_pools_legal_basis", "legal_basis_id"),
        Index("ix_pools_updated", "updated_at", "id"),  # the API's list: updated_since and its cursor
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
    legal_basis_id: Mapped[int | None] = mapped_column(ForeignKey("legal_bases.id", ondelete="RESTRICT"))
    requires_approval: Mapped[bool] = mapped_column(default=False)
    requires_child_certificate: Mapped[bool] = mapped_column(default=False)
    is_published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)
    payment_mode: Mapped[str] = mapped_column(String(16), default="single", server_default="single")
    instalment_count: Mapped[int] = mapped_column(default=1, server_default="1")
    # Months between instalments: 1 monthly, 3 quarterly (lokaletilskud is usually paid as quarterly advances).
    instalment_interval: Mapped[int] = mapped_column(default=1, server_default="1")
    advance_allowed: Mapped[bool] = mapped_column(default=False, server_default=false())
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("pools.id", ondelete="SET NULL"))
    # Where the pool's cases are filed in the ESDH: the KLE subject number ("20.04.00") and handling facet ("G01").
    kle_number: Mapped[str | None] = mapped_column(String(8))
    kle_facet: Mapped[str | None] = mapped_column(String(3))
    # Kontering: where the finance system books the pool's payouts. Copied onto each payout line when a batch
    # is made, so changing it later never rewrites what was sent.
    account_code: Mapped[str | None] = mapped_column(String(40))  # artskonto or the whole kontostreng
    cost_centre: Mapped[str | None] = mapped_column(String(20))  # omkostningssted
    psp_element: Mapped[str | None] = mapped_column(String(40))  # optional project (PSP) element
    # Decision letters to an informal group may go by Digital Post to its contact person's CPR number, which the
    # application then asks for (databeskyttelsesloven § 11: only where a pool chooses to need it).
    digital_post_to_cpr: Mapped[bool] = mapped_column(default=False, server_default=false())

    committee: Mapped["Committee"] = relationship(back_populates="pools")  # noqa: F821
    # Loaded when read, not joined: pools are locked FOR UPDATE, which PostgreSQL refuses on an outer join.
    basis: Mapped[LegalBasis | None] = relationship()
    criteria: Mapped[list["PoolCriterion"]] = relationship(
        back_populates="pool", order_by="PoolCriterion.position", cascade="all, delete-orphan")
    rounds: Mapped[list["PoolRound"]] = relationship(
        back_populates="pool", order_by="PoolRound.deadline", cascade="all, delete-orphan")
    questions: Mapped[list["EligibilityQuestion"]] = relationship(
        back_populates="pool", order_by="EligibilityQuestion.position", cascade="all, delete-orphan")

    @property
    def legal_basis(self) -> str:
        """The basis as letters name it, from the pool's library entry ("" when none is chosen)."""
        return self.basis.name if self.basis is not None else ""

    @property
    def appeal_text(self) -> str:
        """The appeal guidance of the same library entry ("" when none is chosen)."""
        return self.basis.appeal_text if self.basis is not None else ""

    def is_open_on(self, day: date) -> bool:
        """True when applications are accepted on `day` (late ones aside)."""
        if self.opens_on and day < self.opens_on:
            return False
        return self.is_rolling or self.deadline is None or day <= self.deadline

    def next_deadline(self, day: date) -> date | None:
        """The first round deadline on or after `day` (None when rolling or all have passed)."""
        if self.is_rolling:
            return None
        dates = sorted({r.deadline for r in self.rounds} | ({self.deadline} if self.deadline else set()))
        return next((d for d in dates if d >= day), None)


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


class PoolRound(db.Model):
    """One fixed application deadline (ansøgningsrunde) of a pool."""

    __tablename__ = "pool_rounds"
    __table_args__ = (UniqueConstraint("pool_id", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id", ondelete="CASCADE"))
    deadline: Mapped[date]

    pool: Mapped[Pool] = relationship(back_populates="rounds")


class EligibilityQuestion(db.Model):
    """A yes/no question that tells a visitor whether applying to the pool makes sense."""

    __tablename__ = "eligibility_questions"
    __table_args__ = (UniqueConstraint("pool_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(300))
    qualifying_answer: Mapped[bool] = mapped_column(default=True)
    explanation: Mapped[str] = mapped_column(Text, default="")

    pool: Mapped[Pool] = relationship(back_populates="questions")

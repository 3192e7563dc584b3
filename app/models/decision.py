"""Decisions (afgørelser): outcome, amount, reason, appeal guidance, who decided and when."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, utcnow

OUTCOMES = ("granted", "partly_granted", "rejected", "approved", "partly_approved", "cancelled")
FULL_YES = ("granted", "approved")


class Decision(db.Model):
    """One decision on a case. Never edited once sent; a correction is a new row that refers to it."""

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint("outcome IN ('granted','partly_granted','rejected','approved','partly_approved','cancelled')",
                        name="outcome"),
        # Forvaltningsloven §§ 22-24: anything but a full yes states its reason.
        CheckConstraint("outcome IN ('granted','approved') OR length(trim(reason)) > 0", name="reason_required"),
        # § 25: every decision carries appeal guidance.
        CheckConstraint("length(trim(appeal_text)) > 0", name="appeal_required"),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_positive"),
        Index("ix_decisions_case", "case_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    outcome: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    appeal_text: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    delegated: Mapped[bool] = mapped_column(default=True)  # False: decided by the committee
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id", ondelete="RESTRICT"))
    letter_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    letter_sha256: Mapped[str | None] = mapped_column(String(64))
    letter_available_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    case: Mapped["Case"] = relationship()  # noqa: F821
    decided_by: Mapped["User | None"] = relationship()  # noqa: F821

"""After the grant: the association's report (afrapportering) and claims to pay money back."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime

# Age bands used in reports and in the public directory: (column suffix, label).
AGE_BANDS = (("0_12", _l("0–12 år")), ("13_18", _l("13–18 år")), ("19_24", _l("19–24 år")),
             ("25_64", _l("25–64 år")), ("65_plus", _l("65 år og derover")))
CLAIM_STATUSES = ("open", "paid", "cancelled")


class CaseReport(db.Model):
    """One report as submitted; a report sent again after "bed om uddybning" is a new row."""

    __tablename__ = "case_reports"
    __table_args__ = (
        CheckConstraint("unused_amount >= 0", name="unused_positive"),
        CheckConstraint("participants_0_12 >= 0 AND participants_13_18 >= 0 AND participants_19_24 >= 0 "
                        "AND participants_25_64 >= 0 AND participants_65_plus >= 0", name="participants_positive"),
        Index("ix_case_reports_case", "case_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    activity_text: Mapped[str] = mapped_column(Text)
    participants_0_12: Mapped[int] = mapped_column(default=0)
    participants_13_18: Mapped[int] = mapped_column(default=0)
    participants_19_24: Mapped[int] = mapped_column(default=0)
    participants_25_64: Mapped[int] = mapped_column(default=0)
    participants_65_plus: Mapped[int] = mapped_column(default=0)
    accounts_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    unused_amount: Mapped[int] = mapped_column(default=0)
    story_text: Mapped[str | None] = mapped_column(Text)
    story_consent: Mapped[bool] = mapped_column(default=False)

    case: Mapped["Case"] = relationship()  # noqa: F821
    accounts_document: Mapped["Document | None"] = relationship()  # noqa: F821
    submitted_by: Mapped["User | None"] = relationship()  # noqa: F821

    @property
    def participants_total(self) -> int:
        return sum(getattr(self, f"participants_{band}") for band, _label in AGE_BANDS)


class RepaymentClaim(db.Model):
    """A claim to pay back unused or misused money (folkeoplysningsloven § 33), with its letter."""

    __tablename__ = "repayment_claims"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("length(trim(reason)) > 0", name="reason_required"),
        CheckConstraint("status IN ('open','paid','cancelled')", name="status"),
        Index("ix_repayment_claims_case", "case_id", "id"),
        Index("ix_repayment_claims_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    amount: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default="open")
    letter_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A claim is a decision: the basis and appeal guidance it was sent with, from one library entry
    # ("" for claims from before migration 0280, whose letters are kept as PDF only).
    legal_basis: Mapped[str] = mapped_column(Text, default="", server_default="")
    appeal_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    case: Mapped["Case"] = relationship()  # noqa: F821
    letter_document: Mapped["Document | None"] = relationship()  # noqa: F821

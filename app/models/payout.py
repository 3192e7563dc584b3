"""Payouts: a grant's payment plan (instalments) and the payment batches sent to the finance system."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime

BATCH_STATUSES = ("draft", "sent", "paid")
# The finance system's answer per line (through the API): sent until it says paid or failed, with its reference.
LINE_STATUSES = ("sent", "paid", "failed")
LINE_SENT, LINE_PAID, LINE_FAILED = LINE_STATUSES  # a line's, not a case's: not workflow state names


class PaymentInstalment(db.Model):
    """One payment of a grant; `batch_id` is set when it goes into a payment batch."""

    __tablename__ = "payment_instalments"
    __table_args__ = (
        UniqueConstraint("case_id", "position"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("position > 0", name="position_positive"),
        # Instalments waiting for a batch, by due date.
        Index("ix_payment_instalments_batch_due", "batch_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(default=1)
    due_on: Mapped[date]
    amount: Mapped[int]
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("payment_batches.id", ondelete="SET NULL"))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    case: Mapped["Case"] = relationship()  # noqa: F821
    batch: Mapped["PaymentBatch | None"] = relationship(back_populates="instalments")


class PaymentBatch(db.Model):
    """A payment file for the finance system: draft, then sent, then paid."""

    __tablename__ = "payment_batches"
    __table_args__ = (
        CheckConstraint("status IN ('draft','sent','paid')", name="status"),
        CheckConstraint("total_amount >= 0", name="total_positive"),
        CheckConstraint("line_count >= 0", name="line_count_positive"),
        Index("ix_payment_batches_status_created", "status", "created_at"),
        Index("ix_payment_batches_updated", "updated_at", "id"),  # the API's list: updated_since and its cursor
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(8), default="draft")
    due_by: Mapped[date]
    total_amount: Mapped[int] = mapped_column(default=0)
    line_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])  # noqa: F821
    lines: Mapped[list["PaymentBatchLine"]] = relationship(
        back_populates="batch", order_by="PaymentBatchLine.id", cascade="all, delete-orphan")
    instalments: Mapped[list[PaymentInstalment]] = relationship(back_populates="batch")


class PaymentBatchLine(db.Model):
    """One line of a batch as it was sent: a snapshot, so the file can be reproduced later.

    The unique instalment makes the database refuse an instalment in two batches, or twice in one.
    """

    __tablename__ = "payment_batch_lines"
    __table_args__ = (
        UniqueConstraint("instalment_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("cvr IS NOT NULL OR contact_person IS NOT NULL", name="cvr_or_contact"),
        CheckConstraint("status IN ('sent','paid','failed')", name="status"),
        CheckConstraint("status = 'sent' OR finance_reference IS NOT NULL", name="settled_has_reference"),
        Index("ix_payment_batch_lines_batch", "batch_id", "id"),
        # The API lists one batch's lines: updated_since and its cursor within the batch.
        Index("ix_payment_batch_lines_batch_updated", "batch_id", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payment_batches.id", ondelete="CASCADE"))
    instalment_id: Mapped[int] = mapped_column(ForeignKey("payment_instalments.id", ondelete="RESTRICT"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), index=True)
    amount: Mapped[int]
    case_number: Mapped[str] = mapped_column(String(16))
    recipient_name: Mapped[str] = mapped_column(String(200))
    cvr: Mapped[str | None] = mapped_column(String(8))  # None: an informal group, paid by hand
    contact_person: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8), default="sent", server_default="sent")
    finance_reference: Mapped[str | None] = mapped_column(String(64))
    failure_reason: Mapped[str | None] = mapped_column(Text)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    settled_by_client_id: Mapped[int | None] = mapped_column(ForeignKey("api_clients.id", ondelete="RESTRICT"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)
    # The pool's kontering when the batch was made (a snapshot, like the rest of the line).
    account_code: Mapped[str | None] = mapped_column(String(40))
    cost_centre: Mapped[str | None] = mapped_column(String(20))
    psp_element: Mapped[str | None] = mapped_column(String(40))

    batch: Mapped[PaymentBatch] = relationship(back_populates="lines")


# What a payment status report (pain.002) said that was not applied: shown to the caseworker, never guessed at.
DIFFERENCE_KINDS = ("unknown_line", "amount", "paid_twice", "conflict")


class PaymentStatusImport(db.Model):
    """One payment status file read for a batch; the same file (by SHA-256) is read once only."""

    __tablename__ = "payment_status_imports"
    __table_args__ = (
        UniqueConstraint("batch_id", "sha256"),
        CheckConstraint("paid_count >= 0 AND rejected_count >= 0", name="counts_positive"),
        Index("ix_payment_status_imports_batch", "batch_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payment_batches.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(35))  # the report's own GrpHdr/MsgId
    filename: Mapped[str] = mapped_column(String(200), default="")
    paid_count: Mapped[int] = mapped_column(default=0)
    rejected_count: Mapped[int] = mapped_column(default=0)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    imported_by: Mapped["User | None"] = relationship()  # noqa: F821
    differences: Mapped[list["PaymentStatusDifference"]] = relationship(
        back_populates="status_import", order_by="PaymentStatusDifference.id", cascade="all, delete-orphan")


class PaymentStatusDifference(db.Model):
    """One entry of a status file that did not match the batch; nothing was changed for it."""

    __tablename__ = "payment_status_differences"
    __table_args__ = (
        CheckConstraint("kind IN ('unknown_line','amount','paid_twice','conflict')", name="kind"),
        Index("ix_payment_status_differences_import", "import_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("payment_status_imports.id", ondelete="CASCADE"))
    line_id: Mapped[int | None] = mapped_column(ForeignKey("payment_batch_lines.id", ondelete="SET NULL"))
    end_to_end_id: Mapped[str] = mapped_column(String(35))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(4))  # the report's transaction status (ACSC, RJCT, ...)
    reported_amount: Mapped[str | None] = mapped_column(String(24))  # as written in the file
    detail: Mapped[str] = mapped_column(Text, default="")

    status_import: Mapped[PaymentStatusImport] = relationship(back_populates="differences")

"""The to-mandsregel: a change that moves money waits for a second, different person to approve it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime


class MoneyApproval(db.Model):
    """One proposal (a decision's corrected amount, or a payout batch) and the second person's answer.

    The rows are also the payouts' journal of who proposed, approved or rejected a batch, and when.
    """

    __tablename__ = "money_approvals"
    __table_args__ = (
        CheckConstraint("kind IN ('correction','payout_batch')", name="kind"),
        CheckConstraint("status IN ('pending','approved','rejected')", name="status"),
        CheckConstraint("decided_by_id IS NULL OR decided_by_id <> proposed_by_id", name="four_eyes"),
        Index("ix_money_approvals_status", "status", "kind"),
        Index("ix_money_approvals_case", "case_id"),
        Index("ix_money_approvals_batch", "batch_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id", ondelete="RESTRICT"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("payment_batches.id", ondelete="SET NULL"))
    amount: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answer: Mapped[str] = mapped_column(Text, default="")

    proposed_by: Mapped["User | None"] = relationship(foreign_keys=[proposed_by_id])  # noqa: F821
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])  # noqa: F821
    decision: Mapped["Decision | None"] = relationship()  # noqa: F821

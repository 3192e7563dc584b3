"""Decisions (afgørelser): outcome, amount, reason, appeal guidance, who decided and when."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime

# What a decision says; once its letter is available none of it may change (the database refuses too).
DECIDED_CONTENT = ("case_id", "outcome", "amount", "reason", "appeal_text", "legal_basis", "delegated",
                   "decided_by_id", "decided_at", "corrects_id", "meeting_id", "correction_note")
LETTER_COLUMNS = ("letter_document_id", "letter_sha256", "letter_available_at")


class DecisionIsFinal(Exception):
    """A sent decision is never edited; a correction is a new decision that refers to it."""


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
        CheckConstraint("digital_post_status IS NULL OR digital_post_status IN ('sent','exempt','failed')",
                        name="digital_post_status"),
        CheckConstraint("digital_post_status IS NULL OR digital_post_status <> 'sent' OR digital_post_at IS NOT NULL",
                        name="digital_post_sent_has_time"),
        Index("ix_decisions_case", "case_id", "id"),
        Index("ix_decisions_meeting", "meeting_id"),
        Index("ix_decisions_corrects", "corrects_id"),
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
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id", ondelete="RESTRICT"))
    letter_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    letter_sha256: Mapped[str | None] = mapped_column(String(64))
    letter_available_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"))
    correction_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Digital Post (app/services/committee/digital_post.py): "sent" (available there since digital_post_at, the
    # notification deadlines count from), "exempt" or "failed" (e-mail and the portal instead), None (not used).
    digital_post_status: Mapped[str | None] = mapped_column(String(16))
    digital_post_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    case: Mapped["Case"] = relationship()  # noqa: F821
    decided_by: Mapped["User | None"] = relationship()  # noqa: F821
    meeting: Mapped["Meeting | None"] = relationship()  # noqa: F821

    @property
    def is_sent(self) -> bool:
        """True once the letter is available to the applicant."""
        return self.letter_available_at is not None

    @property
    def notified_at(self) -> datetime | None:
        """When the applicant was given the letter: in Digital Post if it went there, else in the portal."""
        return self.digital_post_at or self.letter_available_at


@event.listens_for(Decision, "before_update")
def _refuse_edit_of_sent_decision(mapper, connection, target: Decision) -> None:
    state = inspect(target)
    history = state.attrs.letter_available_at.history
    previous = history.deleted if history.has_changes() else history.unchanged
    if not previous:  # not loaded (expired object): ask the database
        table = Decision.__table__
        previous = [connection.scalar(db.select(table.c.letter_available_at).where(table.c.id == target.id))]
    if not any(value is not None for value in previous):
        return  # not sent yet: the letter columns may be set now
    changed = [name for name in DECIDED_CONTENT + LETTER_COLUMNS if state.attrs[name].history.has_changes()]
    if changed:
        raise DecisionIsFinal(f"decision {target.id} is sent; cannot change {', '.join(changed)}")

"""The transactional outbox: notices written in the same commit as the change."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime

# "held": waits for another row (a webhook for an earlier one of its case) and is made pending by it, without
# attempts or backoff of its own (app/services/delivery/outbox.py, `hold` and `release`).
OUTBOX_STATUSES = ("pending", "held", "delivered", "failed")


class OutboxMessage(db.Model):
    """A notice to deliver; the delivery task is idempotent on `id`."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("status IN ('pending','held','delivered','failed')", name="status"),
        CheckConstraint("attempts >= 0", name="attempts_positive"),
        Index("ix_outbox_status_created", "status", "created_at"),
        Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), default="email")
    template: Mapped[str] = mapped_column(String(60))
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(8), default="da")
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The retry schedule (app/services/delivery/outbox.py): when the next attempt is due (None: now), and
    # until when attempts go on (None: OUTBOX_RETRY_HOURS after created_at; "Send igen" starts a new window).
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retry_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the administrators' digest of failed notices has named this row.
    failure_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

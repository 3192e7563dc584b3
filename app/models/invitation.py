"""Invitations to join an association's board, sent as a signed link by e-mail."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime


class Invitation(db.Model):
    """One invitation; it is used once (accepted_at) or cancelled, and dies at expires_at."""

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("role IN ('chair','treasurer','member')", name="role"),
        CheckConstraint("email = lower(email)", name="email_lower"),
        Index("ix_invitations_association_created", "association_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16), default="member")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The link used by an account with another address (or for a chair's seat): waits for a chair to confirm.
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    association: Mapped["Association"] = relationship()  # noqa: F821
    invited_by: Mapped["User | None"] = relationship(foreign_keys=[invited_by_id])  # noqa: F821
    claimed_by: Mapped["User | None"] = relationship(foreign_keys=[claimed_by_id])  # noqa: F821

    def is_open(self, now: datetime) -> bool:
        """True while it can still be accepted."""
        return self.accepted_at is None and self.cancelled_at is None and now < self.expires_at

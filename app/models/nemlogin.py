"""NemLog-in's traces: assertion ids already accepted (replay refused) and the log-in journal."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime


class SamlAssertionId(db.Model):
    """An accepted assertion's id, kept until the assertion would have expired anyway."""

    __tablename__ = "saml_assertion_ids"

    assertion_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class SignInEvent(db.Model):
    """One log-in through an identity provider, accepted or refused, with the reason (the security journal)."""

    __tablename__ = "sign_in_events"
    __table_args__ = (Index("ix_sign_in_events_created", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))  # accepted, refused, logged_out
    reason: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(String(500))
    subject: Mapped[str | None] = mapped_column(String(255))
    cvr: Mapped[str | None] = mapped_column(String(8))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ip: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

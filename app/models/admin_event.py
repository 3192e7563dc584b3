"""The administrators' journal: who changed which set-up, with the values before and after."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime

ENTITY_TYPES = ("pool", "criterion", "question", "form", "committee", "user", "settings", "case", "retention",
                "legal_basis", "subsidy_scheme", "api_client")


class AdminEvent(db.Model):
    """One administrator change. Never updated or deleted (the database refuses it)."""

    __tablename__ = "admin_events"
    __table_args__ = (
        Index("ix_admin_events_entity", "entity_type", "entity_id", "id"),
        Index("ix_admin_events_actor", "actor_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(60))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    actor: Mapped["User | None"] = relationship()  # noqa: F821

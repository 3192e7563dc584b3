"""The read log: which staff member or API client opened which case, association or document, and when (GDPR art. 15/30).

Append-only like the case journal: the database refuses UPDATE and DELETE (migration 0120).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime

# What was read. A case export counts as a read of everything in it; "user" is an administrator's
# export of everything about a person (migration 0210).
OBJECT_TYPES = ("case", "association", "document", "case_export", "user")


class ReadEvent(db.Model):
    """One read of someone's data. Never updated or deleted."""

    __tablename__ = "read_events"
    __table_args__ = (
        CheckConstraint("object_type IN ('case','association','document','case_export','user')", name="object_type"),
        # A reader is a person or an integration (API client), never neither (migration 0320).
        CheckConstraint("reader_id IS NOT NULL OR api_client_id IS NOT NULL", name="reader_present"),
        # "Who has read association X", newest first, keyset on (created_at, id).
        Index("ix_read_events_association_time", "association_id", "created_at", "id"),
        # "Who has read my personal data" (the data subject's own log).
        Index("ix_read_events_subject_time", "subject_user_id", "created_at", "id"),
        # "What has user Y read" (audit of a staff member).
        Index("ix_read_events_reader_time", "reader_id", "created_at", "id"),
        # The read log on the case page.
        Index("ix_read_events_case_time", "case_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    api_client_id: Mapped[int | None] = mapped_column(ForeignKey("api_clients.id", ondelete="RESTRICT"))
    reader_role: Mapped[str] = mapped_column(String(32))  # the role at the time of reading; "api_client" for one
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int]
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    association_id: Mapped[int | None] = mapped_column(ForeignKey("associations.id", ondelete="RESTRICT"))
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    reader: Mapped["User | None"] = relationship(foreign_keys=[reader_id])  # noqa: F821
    api_client: Mapped["ApiClient | None"] = relationship()  # noqa: F821

    @property
    def reader_name(self) -> str:
        """The person's name, or the integration's."""
        return self.reader.full_name if self.reader is not None else self.api_client.name

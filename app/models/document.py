"""Documents in and out of a case: attachments, letters, receipts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime


class Document(db.Model):
    """A stored file; the bytes live outside the static folder under `storage_key`."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("direction IN ('in','out','internal')", name="direction"),
        CheckConstraint("size_bytes >= 0", name="size_positive"),
        Index("ix_documents_case", "case_id", "created_at"),
        Index("ix_documents_association", "association_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    association_id: Mapped[int | None] = mapped_column(ForeignKey("associations.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(32))  # attachment, letter, receipt, reply
    direction: Mapped[str] = mapped_column(String(8), default="in")
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255), index=True)  # shared by documents with the same bytes
    description: Mapped[str | None] = mapped_column(Text)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

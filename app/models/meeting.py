"""Committee meetings and their agendas: the cases a committee decides at one sitting."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime

MEETING_STATUSES = ("planned", "closed")
PROPOSALS = ("grant", "partly", "reject", "postpone")


class Meeting(db.Model):
    """A meeting of a committee; closing it makes every decision on its agenda final in one commit."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("status IN ('planned','closed')", name="status"),
        CheckConstraint("status = 'planned' OR closed_at IS NOT NULL", name="closed_at_set"),
        Index("ix_meetings_committee_date", "committee_id", "meeting_date"),
        Index("ix_meetings_status_date", "status", "meeting_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="RESTRICT"))
    meeting_date: Mapped[date]
    title: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="planned")
    agenda_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    minutes_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    committee: Mapped["Committee"] = relationship()  # noqa: F821
    closed_by: Mapped["User | None"] = relationship(foreign_keys=[closed_by_id])  # noqa: F821
    items: Mapped[list["AgendaItem"]] = relationship(back_populates="meeting", order_by="AgendaItem.position")


class AgendaItem(db.Model):
    """A case on a meeting's agenda, with the decision the members record for it until the chair closes."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        UniqueConstraint("meeting_id", "case_id"),
        # A case is on at most one open agenda.
        Index("uq_agenda_items_open_case", "case_id", unique=True,
              sqlite_where=text("is_open"), postgresql_where=text("is_open")),
        Index("ix_agenda_items_meeting_position", "meeting_id", "position"),
        CheckConstraint("proposal IS NULL OR proposal IN ('grant','partly','reject','postpone')", name="proposal"),
        CheckConstraint("proposed_amount IS NULL OR proposed_amount >= 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(default=0)
    is_open: Mapped[bool] = mapped_column(default=True)
    proposal: Mapped[str | None] = mapped_column(String(16))
    proposed_amount: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(20))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id", ondelete="RESTRICT"))

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    case: Mapped["Case"] = relationship()  # noqa: F821
    recorded_by: Mapped["User | None"] = relationship(foreign_keys=[recorded_by_id])  # noqa: F821

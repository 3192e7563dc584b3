"""The API's event feed and its webhooks: events, subscriptions, deliveries and their attempts (issue 22)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import EncryptedString, UTCDateTime

# The stable names an integration sees; the feed and the webhooks use the same.
EVENT_TYPES = ("case.submitted", "case.decided", "letter.issued", "payout.approved", "booking.confirmed")


class ApiEvent(db.Model):
    """Something an integration may want to hear of, written in the same commit as the change that caused it.

    `position` is the feed's cursor: given by one sequencer at a time to events already committed
    (app/services/integrations/events.py), so it grows in the order events became visible and a reader
    paging with ?after= never skips one that committed late with a lower id.
    """

    __tablename__ = "api_events"
    __table_args__ = (Index("ix_api_events_unpositioned", "position", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int | None] = mapped_column(unique=True)
    type: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(index=True)  # no foreign key: the feed outlives nothing it names
    subjects: Mapped[dict] = mapped_column(JSON, default=dict)  # ids only: {"case_id": 1, "decision_id": 2}
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class WebhookSubscription(db.Model):
    """A URL of an API client that is sent the events of the chosen types, signed with the subscription's secret."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id", ondelete="RESTRICT"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    event_types: Mapped[str] = mapped_column(String(255))  # space-separated, a subset of EVENT_TYPES
    # "whsec_" + base64 of the key (Standard Webhooks); encrypted at rest, shown to the administrator once.
    secret: Mapped[str] = mapped_column(EncryptedString(255))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    client: Mapped["ApiClient"] = relationship()  # noqa: F821

    @property
    def type_list(self) -> list[str]:
        mine = set(self.event_types.split())
        return [t for t in EVENT_TYPES if t in mine]


class WebhookDelivery(db.Model):
    """One event for one subscription, carried by one outbox row (channel "webhook"); "send again" adds another."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("outbox_message_id"),
        Index("ix_webhook_deliveries_order", "subscription_id", "case_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id", ondelete="RESTRICT"))
    event_id: Mapped[int] = mapped_column(ForeignKey("api_events.id", ondelete="RESTRICT"))
    outbox_message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="RESTRICT"))
    case_id: Mapped[int | None] = mapped_column()  # the order kept per case and subscription
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    # A failed delivery the administrator skipped ("Spring over"): it no longer holds the later ones of its case.
    skipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[ApiEvent] = relationship()
    outbox_message: Mapped["OutboxMessage"] = relationship()  # noqa: F821
    attempts: Mapped[list["WebhookAttempt"]] = relationship(order_by="WebhookAttempt.id")


class WebhookAttempt(db.Model):
    """One try to deliver: when, the HTTP status (None: no answer) and at most 1 KB of the answer or the error."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery", "delivery_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    status_code: Mapped[int | None] = mapped_column()
    ok: Mapped[bool] = mapped_column(default=False)
    detail: Mapped[str | None] = mapped_column(Text)

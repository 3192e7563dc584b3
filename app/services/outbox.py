"""Write notices in the same commit as the change; deliver them idempotently."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app

from app.extensions import db
from app.models.base import utcnow
from app.models.outbox import OutboxMessage


def enqueue(template: str, recipient: str, payload: dict, *, locale: str | None = None,
            dedup_key: str | None = None) -> OutboxMessage:
    """Add an e-mail notice to the current unit of work (committed by the caller)."""
    msg = OutboxMessage(template=template, recipient=recipient, payload=payload,
                        locale=locale or current_app.config["BABEL_DEFAULT_LOCALE"], dedup_key=dedup_key)
    db.session.add(msg)
    return msg


def dispatch(ids: list[int]) -> None:
    """Hand committed outbox ids to Celery; a broker outage is left to the sweep."""
    from app.tasks.notices import deliver_notice
    for position, message_id in enumerate(ids):
        try:
            deliver_notice.delay(message_id)
        except Exception as exc:  # broker down: the rows stay pending and the sweep re-sends them
            # The rest would fail the same way; stop so the request is not held once per message.
            current_app.logger.warning("outbox %s not dispatched: %s", ids[position:], exc)
            return


def deliver(message_id: int) -> str:
    """Send one message unless already delivered or failed; returns the resulting status."""
    from app.services.mail import send_notice
    msg = db.session.get(OutboxMessage, message_id, with_for_update=True)
    if msg is None or msg.status != "pending":
        db.session.rollback()
        return "missing" if msg is None else msg.status
    msg.attempts += 1
    try:
        send_notice(msg, on_accepted=lambda: _mark_delivered(msg))
    except Exception as exc:
        status = _record_failure(msg, exc)
        if status == "pending":
            raise  # the task retries transient errors
        return status
    return "delivered"


def _mark_delivered(msg: OutboxMessage) -> None:
    msg.status, msg.delivered_at, msg.last_error = "delivered", utcnow(), None
    db.session.commit()


def _record_failure(msg: OutboxMessage, exc: Exception) -> str:
    """Keep the error on the row; give up after OUTBOX_MAX_ATTEMPTS."""
    if msg.status == "delivered":
        # Sent, but the commit failed: the row stays pending and a retry sends it again.
        db.session.rollback()
        return "pending"
    msg.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if msg.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        msg.status = "failed"
        current_app.logger.error("outbox %s failed after %s attempts: %s", msg.id, msg.attempts, exc)
    db.session.commit()
    return msg.status


def pending_ids(older_than_seconds: int) -> list[int]:
    """Pending messages created before the cut-off (for the beat sweep)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    stmt = (db.select(OutboxMessage.id)
            .where(OutboxMessage.status == "pending", OutboxMessage.created_at < cutoff)
            .order_by(OutboxMessage.id).limit(1000))
    return list(db.session.scalars(stmt))


def register_dispatch(app: Flask) -> None:
    """Schedule the sweep on Celery beat."""
    celery_app = app.extensions["celery"]
    celery_app.conf.beat_schedule = {
        **(celery_app.conf.beat_schedule or {}),
        "outbox-sweep": {"task": "app.tasks.notices.sweep_outbox",
                         "schedule": float(app.config["OUTBOX_SWEEP_SECONDS"])},
    }

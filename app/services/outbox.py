"""Write notices in the same commit as the change; deliver them idempotently through a channel adapter.

A row's `channel` picks its delivery adapter (ADAPTERS): "email" sends an e-mail (app.services.mail),
"letter" renders a PDF letter, stores it, makes it available in the portal and writes the e-mail that
tells the applicant (app.services.letters). An adapter is a class with
`deliver(msg, on_accepted) -> None` that calls `on_accepted()` once the message is out; that marks the
row delivered and commits, together with whatever the adapter changed.

Digital Post (decisions in production) would be one more adapter: register e.g. "digital_post" here
with a class that hands the stored letter to the Digital Post provider and calls `on_accepted()` when
the provider has accepted it; `letters.request_decision_letter` would then enqueue on that channel too.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import lru_cache

from flask import Flask, current_app
from werkzeug.utils import import_string

from app.extensions import db
from app.models.base import utcnow
from app.models.outbox import OutboxMessage

ADAPTERS = {
    "email": "app.services.mail:EmailAdapter",
    "letter": "app.services.letters:LetterAdapter",
}


class UnknownChannel(LookupError):
    """An outbox row names a channel without an adapter."""


@lru_cache(maxsize=None)
def adapter_for(channel: str):
    """The delivery adapter of `channel`."""
    try:
        return import_string(ADAPTERS[channel])()
    except KeyError:
        raise UnknownChannel(channel) from None


def enqueue(template: str, recipient: str, payload: dict, *, locale: str | None = None,
            dedup_key: str | None = None, channel: str = "email") -> OutboxMessage:
    """Add a notice to the current unit of work (committed by the caller)."""
    msg = OutboxMessage(channel=channel, template=template, recipient=recipient, payload=payload,
                        locale=locale or current_app.config["BABEL_DEFAULT_LOCALE"], dedup_key=dedup_key)
    db.session.add(msg)
    return msg


def dispatch(ids: list[int]) -> None:
    """Hand committed outbox ids to Celery; a broker outage is left to the sweep."""
    from app.tasks import notices
    for position, message_id in enumerate(ids):
        try:
            notices.deliver_notice.delay(message_id)
        except Exception as exc:  # broker down: the rows stay pending and the sweep re-sends them
            # The rest would fail the same way; stop so the request is not held once per message.
            current_app.logger.warning("outbox %s not dispatched: %s", ids[position:], exc)
            return


def deliver(message_id: int) -> str:
    """Deliver one message unless already delivered or failed; returns the resulting status."""
    msg = db.session.get(OutboxMessage, message_id, with_for_update=True)
    if msg is None or msg.status != "pending":
        db.session.rollback()
        return "missing" if msg is None else msg.status
    msg.attempts += 1
    try:
        adapter_for(msg.channel).deliver(msg, _marker(msg))
    except Exception as exc:
        status = _record_failure(message_id, exc)
        if status == "pending":
            raise  # the task retries transient errors
        return status
    return "delivered"


def _marker(msg: OutboxMessage) -> Callable[[], None]:
    def mark_delivered() -> None:
        from app.services.unit_of_work import commit
        msg.status, msg.delivered_at, msg.last_error = "delivered", utcnow(), None
        commit()  # with the adapter's changes; new rows (a letter's notice) are dispatched after it
    return mark_delivered


def _record_failure(message_id: int, exc: Exception) -> str:
    """Undo the adapter's unfinished work, keep the error on the row; give up after OUTBOX_MAX_ATTEMPTS."""
    db.session.rollback()
    msg = db.session.get(OutboxMessage, message_id, with_for_update=True, populate_existing=True)
    if msg is None or msg.status != "pending":
        db.session.rollback()
        return "missing" if msg is None else msg.status
    msg.attempts += 1
    msg.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if msg.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        msg.status = "failed"
        current_app.logger.error("outbox %s failed after %s attempts: %s", msg.id, msg.attempts, exc)
    db.session.commit()
    return msg.status


def retry(message_id: int) -> OutboxMessage | None:
    """Put a failed message back to pending with fresh attempts, and dispatch it."""
    from app.services.unit_of_work import commit
    msg = db.session.get(OutboxMessage, message_id, with_for_update=True)
    if msg is None or msg.status != "failed":
        db.session.rollback()
        return None
    msg.status, msg.attempts = "pending", 0
    commit()
    dispatch([message_id])
    return msg


def pending_ids(older_than_seconds: int) -> list[int]:
    """Pending messages created before the cut-off (for the beat sweep)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    stmt = (db.select(OutboxMessage.id)
            .where(OutboxMessage.status == "pending", OutboxMessage.created_at < cutoff)
            .order_by(OutboxMessage.id).limit(1000))
    return list(db.session.scalars(stmt))


def register_dispatch(app: Flask) -> None:
    """Schedule the outbox sweep and the reminder jobs on Celery beat."""
    from app.services.reminders import beat_schedule
    from app.services.retention import beat_schedule as retention_schedule
    celery_app = app.extensions["celery"]
    celery_app.conf.beat_schedule = {
        **(celery_app.conf.beat_schedule or {}),
        "outbox-sweep": {"task": "app.tasks.notices.sweep_outbox",
                         "schedule": float(app.config["OUTBOX_SWEEP_SECONDS"])},
        **beat_schedule(app),
        **retention_schedule(app),
    }

"""Notice delivery and the outbox sweep."""
from __future__ import annotations

import smtplib

from celery import shared_task
from flask import current_app

from app.services.delivery import failures, outbox

TRANSIENT = (OSError, smtplib.SMTPException, TimeoutError)


@shared_task(acks_late=True)
def deliver_notice(message_id: int) -> str:
    """Deliver outbox message `message_id` on its channel (e-mail, letter); nothing if delivered or not due.

    No Celery retries: a transient failure is recorded on the row with its next attempt, and the sweep
    sends it then. A Celery countdown next to that schedule would count attempts twice and, past the
    broker's visibility timeout, be handed out twice.
    """
    try:
        return outbox.deliver(message_id)
    except TRANSIENT as exc:
        current_app.logger.warning("outbox %s not delivered, tried again later: %s", message_id, exc)
        return "pending"


@shared_task(acks_late=True)
def deliver_batch(message_ids: list[int]) -> dict[int, str]:
    """Deliver a batch: its letters in one transaction, then its other messages one by one (each its own commit).

    Idempotent like deliver_notice: what is delivered is skipped. A letter that fails sends the letters down
    the one-by-one path, where its error and next attempt are recorded.
    """
    return outbox.deliver_batch(message_ids)


@shared_task
def sweep_outbox() -> int:
    """Send what is due (next attempt reached, lost hand-offs), release held rows nothing holds any more, and tell
    the administrators of new failures."""
    ids = outbox.due_ids(current_app.config["OUTBOX_SWEEP_SECONDS"])
    outbox.dispatch(ids)
    released = outbox.release_unheld()
    failures.report_failures()
    return len(ids) + len(released)

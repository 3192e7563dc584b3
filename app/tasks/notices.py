"""Notice delivery and the outbox sweep."""
from __future__ import annotations

import smtplib

from celery import shared_task
from flask import current_app

from app.services import outbox

TRANSIENT = (OSError, smtplib.SMTPException, TimeoutError)


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=600,
             retry_jitter=True, max_retries=7, acks_late=True)
def deliver_notice(self, message_id: int) -> str:
    """Deliver outbox message `message_id` on its channel (e-mail, letter); nothing if already delivered."""
    return outbox.deliver(message_id)


@shared_task
def sweep_outbox() -> int:
    """Re-dispatch notices still pending after a while (lost dispatch, broker outage)."""
    ids = outbox.pending_ids(current_app.config["OUTBOX_SWEEP_SECONDS"])
    outbox.dispatch(ids)
    return len(ids)

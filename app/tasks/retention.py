"""The daily retention job (idempotent: a second run finds nothing left to anonymise)."""
from __future__ import annotations

from celery import shared_task

from app import clock
from app.services.privacy import retention


@shared_task
def anonymise_expired() -> dict:
    """Anonymise personal data in records past their retention period; returns the counts."""
    return retention.anonymise_expired(clock.now()).counts()

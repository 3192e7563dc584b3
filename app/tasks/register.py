"""The nightly CVR register comparison (idempotent: a second run flags nothing new)."""
from __future__ import annotations

from celery import shared_task

from app.services.associations import register_sync


@shared_task
def sync_cvr_register() -> dict:
    """Flag associations whose name, address, status or board changed in the CVR register; returns counts."""
    return register_sync.sync_all()

"""Thin Celery tasks: ids in, call a service, idempotent."""
from app.tasks import notices  # noqa: F401

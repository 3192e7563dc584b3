"""Thin Celery tasks: ids in, call a service, idempotent."""
from app.tasks import notices  # noqa: F401
from app.tasks import reminders  # noqa: F401
from app.tasks import retention  # noqa: F401

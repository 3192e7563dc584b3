"""Beat jobs: agendas and reminders (each idempotent: a second run finds nothing left to send)."""
from __future__ import annotations

from celery import shared_task

from app.services.committee import reminders
from app.services.yearly import reminders as annual_reminders


@shared_task
def send_agendas() -> int:
    """Send agendas of meetings within AGENDA_NOTICE_DAYS to the committee members."""
    return reminders.send_agendas()


@shared_task
def remind_replies() -> int:
    """Remind associations of reply deadlines."""
    return reminders.remind_replies()


@shared_task
def remind_reports() -> int:
    """Remind associations of report deadlines."""
    return reminders.remind_reports()


@shared_task
def remind_annual_reports() -> int:
    """Remind approved associations of the annual report's deadline (årlig indberetning)."""
    return annual_reminders.send_reminders()

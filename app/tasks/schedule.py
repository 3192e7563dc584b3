"""Celery beat's schedule, next to the tasks it names: every job is idempotent, so a late or repeated run
only finds what is left to do."""
from __future__ import annotations

from flask import Flask

from app.tasks import notices, register, reminders, retention


def beat_schedule(app: Flask) -> dict:
    """Each periodic task with its interval in seconds, from the configuration."""
    every = {name: float(app.config[name])
             for name in ("OUTBOX_SWEEP_SECONDS", "REMINDER_SWEEP_SECONDS", "RETENTION_SWEEP_SECONDS",
                          "CVR_SYNC_SECONDS")}
    jobs = {
        "outbox-sweep": (notices.sweep_outbox, every["OUTBOX_SWEEP_SECONDS"]),
        "send-agendas": (reminders.send_agendas, every["REMINDER_SWEEP_SECONDS"]),
        "remind-replies": (reminders.remind_replies, every["REMINDER_SWEEP_SECONDS"]),
        "remind-reports": (reminders.remind_reports, every["REMINDER_SWEEP_SECONDS"]),
        "remind-annual-reports": (reminders.remind_annual_reports, every["REMINDER_SWEEP_SECONDS"]),
        "anonymise-expired": (retention.anonymise_expired, every["RETENTION_SWEEP_SECONDS"]),
        "sync-cvr-register": (register.sync_cvr_register, every["CVR_SYNC_SECONDS"]),  # no register: returns at once
    }
    return {name: {"task": task.name, "schedule": seconds} for name, (task, seconds) in jobs.items()}


def install(app: Flask) -> None:
    """Put the schedule on the app's Celery instance (app/wiring.py)."""
    celery_app = app.extensions["celery"]
    celery_app.conf.beat_schedule = {**(celery_app.conf.beat_schedule or {}), **beat_schedule(app)}

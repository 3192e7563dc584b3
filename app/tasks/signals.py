"""Celery signals: the request id travels in a message header into the task it caused; task durations.

Publishing (the web process, or a task that dispatches more) stamps the current request id on the message;
the worker makes it current while the task runs, so the task's log lines name the request that caused it.
Tasks run in the process (the embedded default) keep the id they were called with.
"""
from __future__ import annotations

import logging
import time

from celery import signals
from flask import Flask

from app.services.operations import log_format, metrics, request_ids

log = logging.getLogger("app.tasks")
_running: dict[str, tuple[object, float]] = {}


def connect(app: Flask) -> None:
    """Connect the handlers (once per process: Celery's signals are global; the uid keeps them single)."""
    signals.before_task_publish.connect(stamp_request_id, weak=False, dispatch_uid="fs_request_id")
    signals.task_prerun.connect(task_started, weak=False, dispatch_uid="fs_task_started")
    signals.task_postrun.connect(task_finished, weak=False, dispatch_uid="fs_task_finished")
    if app.config.get("LOG_FORMAT") == "json":
        # The worker replaces the root logger's handlers with its own when it starts: make those JSON too.
        signals.after_setup_logger.connect(_json_handlers, weak=False, dispatch_uid="fs_json_logger")
        signals.after_setup_task_logger.connect(_json_handlers, weak=False, dispatch_uid="fs_json_task_logger")


def stamp_request_id(sender=None, headers: dict | None = None, **_kwargs) -> None:
    """before_task_publish: carry the current request id in the message's headers."""
    current = request_ids.current()
    if current and headers is not None:
        headers.setdefault(request_ids.TASK_HEADER, current)


def _carried(task) -> str | None:
    context = task.request
    value = getattr(context, request_ids.TASK_HEADER, None) or (getattr(context, "headers", None) or {}).get(
        request_ids.TASK_HEADER)
    return value if request_ids.is_sane(value) else None


def task_started(sender=None, task_id: str | None = None, task=None, **_kwargs) -> None:
    """task_prerun: make the carried id current (an in-process task keeps the caller's) and start the clock."""
    token = request_ids.begin(_carried(task) or request_ids.current())
    _running[task_id or ""] = (token, time.perf_counter())
    log.info("task started", extra={"task": task.name, "task_id": task_id})


def task_finished(sender=None, task_id: str | None = None, task=None, state: str | None = None, **_kwargs) -> None:
    """task_postrun: count the duration by task and state, log it, and put the previous id back."""
    token, started = _running.pop(task_id or "", (None, None))
    if started is None:
        return
    duration = time.perf_counter() - started
    metrics.TASK_DURATION.labels(task=task.name, state=state or "UNKNOWN").observe(duration)
    log.info("task finished", extra={"task": task.name, "task_id": task_id, "state": state,
                                     "duration": round(duration, 4)})
    try:
        request_ids.end(token)
    except ValueError:  # ended in another context than it began (not with Celery's pools); nothing to restore
        pass


def _json_handlers(sender=None, logger: logging.Logger | None = None, **_kwargs) -> None:
    if logger is not None:
        log_format.to_json(logger)

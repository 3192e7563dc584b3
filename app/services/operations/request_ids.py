"""The request id: one per web request (from a sane X-Request-ID or new), carried into the tasks it causes.

It lives in a context variable, so every log line written while the request (or the task it caused) runs
can name it (`RequestIdFilter`), whichever module logs.
"""
from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

HEADER = "X-Request-ID"
# The Celery message header that carries the id to the worker (app/tasks/signals.py).
TASK_HEADER = "request_id"
# What we accept from a client or a proxy: short, and nothing that could break a log line or a header.
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")

_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def accept(incoming: str | None) -> str:
    """The incoming id when it is sane, else a new one."""
    if incoming and _SANE.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def is_sane(value: object) -> bool:
    """True for an id we would accept (a task header comes from our own broker, but is checked all the same)."""
    return isinstance(value, str) and _SANE.fullmatch(value) is not None


def current() -> str | None:
    """The id of the request or task running now, if any."""
    return _current.get()


def begin(request_id: str | None) -> object:
    """Make `request_id` current; returns the token for `end`."""
    return _current.set(request_id)


def end(token: object) -> None:
    """Put back the id that was current before `begin`."""
    _current.reset(token)  # type: ignore[arg-type]


@contextmanager
def bound(request_id: str | None) -> Iterator[None]:
    """Run the block with `request_id` current."""
    token = begin(request_id)
    try:
        yield
    finally:
        end(token)


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every record (None outside a request or task), for the formatter to show."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current()
        return True

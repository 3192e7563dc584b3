"""Structured logs: one JSON object a line (python-json-logger on the standard logging module) when
LOG_FORMAT=json; plain text stays the default. Every line names its time, level, logger, message and request id.
"""
from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from app.services.operations.request_ids import RequestIdFilter

FORMATS = ("text", "json")
# Marks the handler we install on the root logger, so a second app in the process replaces it, not adds one.
_OURS = "_foreningsstotte_json"


def json_formatter() -> logging.Formatter:
    """time, level, logger, message, request_id, and whatever a call passed as `extra` (method, path, ...)."""
    return JsonFormatter("{levelname}{name}{message}{request_id}", style="{", timestamp="time",
                         rename_fields={"levelname": "level", "name": "logger"}, json_ensure_ascii=False)


def check_format(value: str) -> str:
    """LOG_FORMAT as given, refused at start when it is neither format."""
    if value not in FORMATS:
        raise RuntimeError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {value!r}")
    return value


def log_as_json(level: str, stream=None) -> logging.Handler:
    """Send every logger's lines to one JSON handler on the root logger (stderr unless `stream`); the handler."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _OURS, False)]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(json_formatter())
    handler.addFilter(RequestIdFilter())
    setattr(handler, _OURS, True)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def to_json(logger: logging.Logger) -> None:
    """Make the handlers another library installed (Celery's worker) write JSON with the request id."""
    for handler in logger.handlers:
        handler.setFormatter(json_formatter())
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())

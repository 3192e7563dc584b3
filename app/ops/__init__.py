"""Operations: /healthz, /readyz and /metrics for the load balancer and Prometheus; request ids, request
metrics and JSON logs (app/services/operations has the parts that are not about the web).
"""
from __future__ import annotations

from flask import Flask
from flask.logging import default_handler

from app.ops import endpoints, request_hooks
from app.services.operations import log_format


def register(app: Flask) -> None:
    """Logs first, then the probe endpoints around the app, then the per-request hooks (before any other hook)."""
    if log_format.check_format(app.config["LOG_FORMAT"]) == "json":
        log_format.log_as_json(app.config["LOG_LEVEL"])
        app.logger.removeHandler(default_handler)  # the root logger's JSON handler writes the app's lines
    endpoints.install(app)
    request_hooks.install(app)

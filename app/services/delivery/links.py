"""Absolute links for e-mails, letters and published data.

Production always uses the configured PUBLIC_BASE_URL (the app refuses to start without it): a Host
header must never decide where the links in an e-mail point. In development, when PUBLIC_BASE_URL is
not set, links follow the host and port of the request that caused them (`flask run --port 5001`, a
test's live server), and DEFAULT_PUBLIC_BASE_URL outside a request (CLI, Celery beat). Links are
written into the outbox row when the notice is created, so a worker that renders it later keeps them.
"""
from __future__ import annotations

from flask import current_app, has_request_context, request


def public_base_url() -> str:
    """Scheme, host and port of the site, without a trailing slash."""
    config = current_app.config
    if config.get("PUBLIC_BASE_URL_FROM_REQUEST") and has_request_context():
        return request.host_url.rstrip("/")
    return config["PUBLIC_BASE_URL"].rstrip("/")


def public_url(path: str) -> str:
    """The absolute address of `path` ("/forening/sager/7")."""
    return public_base_url() + path

"""Every answer of /api/v1 leaves one row in the call journal, refusals included (401, 403, 404, 422, 429, …).

Calls a use case journalised with its reads or writes keep that row; every other answer gets one here, after the
response is made, in a commit of its own: a refused write's rollback cannot take its journal row along, and a
failing journal write is logged, never turned into a 500.

Flooding: a call the rate limiter counted and let through is journalised always; the limiter bounds those. The
others (answers of 429 itself, unknown paths and methods, the documents) draw on a journal budget of the caller's
own rate under the same key (its client, else its address), so a flood of bad tokens or of calls over the limit
adds at most one rate's worth of rows per window; past that they reach only the app log.
"""
from __future__ import annotations

import http
import re

from flask import Flask, Response, current_app, request
from limits import parse_many

from app.api import oauth
from app.extensions import limiter
from app.services.integrations import api_clients
from app.services.integrations.api_clients import Answered

PREFIX = "/api/v1"
_BEARER_ERROR = re.compile(r'error="([a-z_]+)"')


def register(app: Flask) -> None:
    """Journal every answer under /api/v1."""
    app.before_request(_start)
    app.after_request(_journal)


def _start() -> None:
    if request.path.startswith(PREFIX):
        api_clients.start_call()


def _journal(response: Response) -> Response:
    if not request.path.startswith(PREFIX):
        return response
    try:
        if _counted() or _within_budget():
            api_clients.journal_answer(lambda: _answer(response))
        else:
            current_app.logger.warning("api: %s %s answered %s, not journalised (journal budget used up)",
                                       request.method, request.path, response.status_code)
    except Exception:  # the answer stands; a journal that cannot be written is the app log's to report
        current_app.logger.exception("api: could not journalise %s %s (%s)", request.method, request.path,
                                     response.status_code)
    return response


def _answer(response: Response) -> Answered:
    client, named, why = oauth.caller()
    return Answered(request.method, request.endpoint or "", request.path, response.status_code,
                    _problem(response, why), client, named)


def _problem(response: Response, why: str | None) -> str | None:
    """A short name for what went wrong: the OAuth error, the bearer error, else the HTTP status's name."""
    if response.status_code < 400:
        return None
    if request.endpoint == "api.token" and response.is_json:
        error = (response.get_json(silent=True) or {}).get("error")
        if isinstance(error, str):
            return error[:40]
    if why is not None:
        return why
    found = _BEARER_ERROR.search(response.headers.get("WWW-Authenticate", ""))
    if found:
        sent = request.headers.get("Authorization", "").lower().startswith("bearer ")
        return found.group(1) if sent else "missing_token"
    try:
        return http.HTTPStatus(response.status_code).name.lower()[:40]
    except ValueError:
        return None


def _counted() -> bool:
    """True when the rate limiter counted this call and let it through (the limit bounds these rows)."""
    limit = limiter.current_limit
    return limit is not None and not limit.breached


def _within_budget() -> bool:
    """Draw one row from the caller's journal budget: its own rate, under its own rate-limit key."""
    if not limiter.enabled:
        return True
    try:
        key = oauth.rate_key()
        return all(limiter.limiter.hit(item, "api-journal", key) for item in parse_many(oauth.rate_limit()))
    except Exception:  # the limiter's storage is down: the journal errs on the side of recording
        current_app.logger.exception("api: journal budget unavailable; journalising anyway")
        return True

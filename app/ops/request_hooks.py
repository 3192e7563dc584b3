"""Every web request: its id (a sane X-Request-ID or a new one, sent back in the response), its duration in the
request histogram, and one log line with method, path, status and duration.
"""
from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

from app.services.operations import metrics, request_ids

log = logging.getLogger("app.requests")


def install(app: Flask) -> None:
    """First of the app's before_request hooks, so every other hook's log lines carry the id."""
    app.before_request_funcs.setdefault(None, []).insert(0, begin_request)
    app.after_request(finish_request)
    app.teardown_request(end_request)


def begin_request() -> None:
    g.request_id_token = request_ids.begin(request_ids.accept(request.headers.get(request_ids.HEADER)))
    g.request_started = time.perf_counter()


def finish_request(response: Response) -> Response:
    started = g.get("request_started")
    if started is None:  # a hook before ours answered (none does today)
        return response
    duration = time.perf_counter() - started
    response.headers[request_ids.HEADER] = request_ids.current() or ""
    endpoint = request.endpoint or "unmatched"  # a 404 for a path no route knows: one label for all of them
    metrics.REQUEST_DURATION.labels(endpoint=endpoint, method=request.method,
                                    status=str(response.status_code)).observe(duration)
    # The path only: a query string may hold a token or a person's search.
    log.info("%s %s %s", request.method, request.path, response.status_code,
             extra={"method": request.method, "path": request.path, "status": response.status_code,
                    "endpoint": endpoint, "duration": round(duration, 4)})
    return response


def end_request(_error: BaseException | None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        request_ids.end(token)

"""The shape every write of /api/v1 shares, once: its route, rate limit, scope, body, answer and documented refusals
(`write_operation`), and its refusals turned into problems (`refusals_as_problems`).

The writes themselves are in app/api/case_parts.py (the ESDH's) and app/api/money.py (the finance system's).
"""
from __future__ import annotations

import http
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask_smorest import abort

from app.api import oauth
from app.api.resources import bp, per_client
from app.services.files import attachments
from app.services.integrations import api_writes


def write_operation(rule: str, method: str, *, scope: str, body: type, answer: type, summary: str,
                    status: int = 200, location: str = "json", refusals: tuple[int, ...] = (404, 409, 422)) -> Callable:
    """Route `method` at `rule` as a write that needs `scope`: the body is validated as `body`, the answer is
    `answer` with `status`, and the refusals are documented (401 and 403 always) as problem details."""
    documented = sorted({401, 403, *refusals})
    decorators = [bp.route(rule, methods=[method]), per_client, oauth.require_scope(scope),
                  bp.arguments(body, location=location), bp.response(status, answer),
                  *(bp.alt_response(code, response=http.HTTPStatus(code).name) for code in documented),
                  bp.doc(summary=summary, security=[{"oauth2": [scope]}])]

    def decorate(view: Callable) -> Callable:
        for decorator in reversed(decorators):  # the first in the list is the outermost, as if stacked above `view`
            view = decorator(view)
        return view
    return decorate


@contextmanager
def refusals_as_problems() -> Iterator[None]:
    """A write's refusals as problems: no such object 404, a contradiction of what is recorded 409 (saying why),
    a rejected file 422 (saying why)."""
    try:
        yield
    except api_writes.Missing:
        abort(404)
    except api_writes.WriteConflict as error:
        abort(409, message=str(error.message))
    except attachments.AttachmentRejected as error:
        abort(422, message=str(error.message))

"""RFC 9457 problem details: every error of /api/v1 as application/problem+json, Danish unless the client asks for English.

No 500 leaves for anything a client can send: bad parameters are 422 with the field errors, a bad cursor 400,
an unknown path 404, a missing or wrong token 401, a missing scope 403; only a fault of ours is a 500,
and that one says nothing of the fault.
"""
from __future__ import annotations

import json

from flask import Response, current_app, request
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException


PROBLEM_TYPE = "application/problem+json"
TITLES = {
    400: _l("Forespørgslen er ugyldig"), 401: _l("Adgangstoken mangler eller er ugyldigt"),
    403: _l("Tokenet giver ikke adgang til dette"), 404: _l("Findes ikke"),
    405: _l("Metoden er ikke tilladt her"), 406: _l("Svaret kan kun gives som JSON"),
    413: _l("Forespørgslen er for stor"), 415: _l("Indholdstypen kan ikke bruges"),
    422: _l("Parametrene er ugyldige"), 429: _l("For mange kald"),
    500: _l("Der skete en fejl hos os"), 503: _l("Tjenesten er midlertidigt utilgængelig"),
}
DETAILS = {
    401: _l("Hent et token på /api/v1/token med klientens id og hemmelighed, og send det som "
            "»Authorization: Bearer …«."),
    404: _l("Adressen eller objektet findes ikke."),
    405: _l("Se OpenAPI-beskrivelsen for, hvilke metoder adressen tager imod."),
    422: _l("Et eller flere parametre kunne ikke bruges; se »errors«."),
    429: _l("Klienten har brugt sin grænse for kald. Vent, og prøv igen."),
    500: _l("Prøv igen om lidt. Fejlen er logget."),
}


class ProblemSchema(Schema):
    """RFC 9457 problem details (documentation of the error bodies)."""

    type = fields.String(metadata={"description": "A URI for the kind of problem; about:blank for plain HTTP ones."})
    title = fields.String(metadata={"description": "Short summary, in the response's language."})
    status = fields.Integer(metadata={"description": "The HTTP status code."})
    detail = fields.String(metadata={"description": "What happened in this case."})
    instance = fields.String(metadata={"description": "The path that was called."})
    errors = fields.Dict(metadata={"description": "Field errors, by location and parameter (status 422)."})


def problem(status: int, detail: object = None, *, errors: dict | None = None,
            headers: dict | None = None) -> Response:
    """A problem+json response for `status`."""
    title = str(TITLES[status]) if status in TITLES else _plain_title(status)
    body = {"type": "about:blank", "title": title, "status": status, "instance": request.path}
    text = detail if detail is not None else DETAILS.get(status)
    if text is not None:
        body["detail"] = str(text)
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_TYPE)
    response.headers["Content-Language"] = _language()
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _plain_title(status: int) -> str:
    from werkzeug.http import HTTP_STATUS_CODES
    return HTTP_STATUS_CODES.get(status, "Error")


def _language() -> str:
    from app.i18n import current_locale
    return current_locale()


def handle_http_exception(error: HTTPException) -> Response:
    """Any HTTP error under /api/v1 as a problem (webargs' 422 carries the field errors in error.data)."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    headers = dict(data.get("headers") or {})
    detail = data.get("message") or getattr(error, "problem_detail", None)
    return problem(status, detail, errors=_jsonable(errors) if errors else None, headers=headers)


def handle_unexpected(error: Exception) -> Response:
    """A fault of ours (the site's 500 handler has rolled back): logged, answered without details."""
    current_app.logger.error("api: unexpected error", exc_info=getattr(error, "original_exception", error))
    return problem(500)


def _jsonable(value: object) -> object:
    """webargs' errors hold lists and dicts of strings; keys may be ints (list positions)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


def is_api_request() -> bool:
    """True for a path under /api/ (the site's error pages answer in HTML elsewhere)."""
    return request.path.startswith("/api/")

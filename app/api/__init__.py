"""The integration API, /api/v1: JSON described by OpenAPI 3.1 (flask-smorest), OAuth 2.0 client credentials.

`register(app)` binds it: the spec-serving blueprint (/api/v1/openapi.json), the resources, the token endpoint
and the reference page; errors under /api/ are problem details (app/api/problems.py); CSRF does not apply
(no cookies are read: a bearer token or nothing), the rate limit is per client (app/api/oauth.py).
The site's error handlers (app/main/errors.py) hand every error under /api/ to app/api/problems.py; every answer
under /api/v1 is journalised (app/api/journal.py).
"""
from __future__ import annotations

import http
import threading
from collections.abc import Callable

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from app.api.problems import PROBLEM_TYPE, ProblemSchema
from app.models.api_client import SCOPES


class ProblemApi(Api):
    """flask-smorest's Api whose errors are documented as problem+json and handled only under /api/, and whose
    OpenAPI document is written the first time it is read.

    flask-smorest would install its JSON error handler on the whole app; the site's HTML error pages stay.
    Writing the document (every operation's schemas, 60 error responses) is half of building the app, and only
    /api/v1/openapi.json and the reference page read it: routes and validation are in place without it.
    """

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, *args, **kwargs) -> None:
        self._spec = None
        self._unwritten: list[Callable[[], None]] = []  # steps of the document, in order
        self._lock = threading.RLock()
        self._writer: int | None = None
        super().__init__(*args, **kwargs)

    @property
    def spec(self):
        if self._unwritten and self._writer != threading.get_ident():
            with self._lock:
                self._writer = threading.get_ident()
                try:
                    while self._unwritten:  # a step leaves the list when done: other threads wait for the lock
                        self._unwritten[0]()
                        self._unwritten.pop(0)
                finally:
                    self._writer = None
        return self._spec

    @spec.setter
    def spec(self, value) -> None:
        self._spec = value

    def later(self, step: Callable[[], None]) -> None:
        """Add a step to the document, done when it is first read."""
        self._unwritten.append(step)

    def register_blueprint(self, blp, *, parameters=None, **options) -> None:
        """Register the routes now, their documentation later (flask-smorest's register_blueprint, split)."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)

        def document() -> None:
            blp.register_views_in_doc(self, self._app, self._spec, name=name, parameters=parameters)
            self._spec.tag({"name": name, "description": blp.description})
        self.later(document)

    def _register_error_handlers(self) -> None:
        """Installs nothing app-wide: app.api.problems answers errors under /api/ only."""

    def _register_responses(self) -> None:
        self.later(self._write_responses)

    def _write_responses(self) -> None:
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self._spec, PROBLEM_TYPE)
            self._spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self._spec, PROBLEM_TYPE)
        self._spec.components.response("DEFAULT_ERROR", response, lazy=True)


def register(app: Flask) -> None:
    """Bind /api/v1 to the app: spec, resources, token endpoint, reference page, errors, CSRF and limits."""
    from app.api import case_parts, events, journal, money, oauth, premises
    from app.api.resources import bp
    from app.api.reference import bp as reference_bp
    from app.extensions import csrf

    api = ProblemApi(app, spec_kwargs={"info": {"description": DESCRIPTION}})
    api.later(lambda: _document_token(api.spec))
    oauth.init_oauth(app)
    for module in (case_parts, events, money, premises):  # importing them put their routes on bp
        app.logger.debug("api: routes of %s", module.__name__)
    csrf.exempt(bp)
    api.register_blueprint(bp)
    app.register_blueprint(reference_bp)
    journal.register(app)
    app.extensions["api_v1"] = api


def _document_token(spec) -> None:
    from app.api.schemas import TokenArgs, TokenSchema
    spec.components.security_scheme("oauth2", {
        "type": "oauth2", "flows": {"clientCredentials": {
            "tokenUrl": "/api/v1/token", "scopes": {scope: scope for scope in SCOPES_DOC}}}})
    spec.components.schema("Token", schema=TokenSchema)
    spec.components.schema("TokenArgs", schema=TokenArgs)


DESCRIPTION = ("The municipality's association support (foreningsstøtte) for other systems: ESDH, finance, "
               "booking screens. Get a token with OAuth 2.0 client credentials at /api/v1/token "
               "(HTTP Basic or form), send it as `Authorization: Bearer …`. Lists are keyset-paginated: pass "
               "`next_cursor` back as `cursor`. To fetch what changed, pass `updated_since` a minute before the latest "
               "`updated_at` you saw: a change that commits late keeps the time it began. Errors are RFC 9457 problem details, in Danish unless "
               "`Accept-Language: en`.")
SCOPES_DOC = SCOPES

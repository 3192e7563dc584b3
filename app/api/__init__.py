"""The integration API, /api/v1: JSON described by OpenAPI 3.1 (flask-smorest), OAuth 2.0 client credentials.

`register(app)` binds it: the spec-serving blueprint (/api/v1/openapi.json), the resources, the token endpoint
and the reference page; errors under /api/ are problem details (app/api/problems.py); CSRF does not apply
(no cookies are read: a bearer token or nothing), the rate limit is per client (app/api/oauth.py).
The site's error handlers (app/main/errors.py) hand every error under /api/ to app/api/problems.py; every answer
under /api/v1 is journalised (app/api/journal.py).
"""
from __future__ import annotations

import http

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from app.api.problems import PROBLEM_TYPE, ProblemSchema
from app.models.api_client import SCOPES


class ProblemApi(Api):
    """flask-smorest's Api whose errors are documented as problem+json and handled only under /api/.

    flask-smorest would install its JSON error handler on the whole app; the site's HTML error pages stay.
    """

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """Installs nothing app-wide: app.api.problems answers errors under /api/ only."""

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def register(app: Flask) -> None:
    """Bind /api/v1 to the app: spec, resources, token endpoint, reference page, errors, CSRF and limits."""
    from app.api import case_parts, events, journal, money, oauth, premises
    from app.api.resources import bp
    from app.api.reference import bp as reference_bp
    from app.extensions import csrf

    api = ProblemApi(app, spec_kwargs={"info": {"description": DESCRIPTION}})
    api.spec.components.security_scheme("oauth2", {
        "type": "oauth2", "flows": {"clientCredentials": {
            "tokenUrl": "/api/v1/token", "scopes": {scope: scope for scope in SCOPES_DOC}}}})
    from app.api.schemas import TokenArgs, TokenSchema
    api.spec.components.schema("Token", schema=TokenSchema)
    api.spec.components.schema("TokenArgs", schema=TokenArgs)
    oauth.init_oauth(app)
    for module in (case_parts, events, money, premises):  # importing them put their routes on bp
        app.logger.debug("api: routes of %s", module.__name__)
    csrf.exempt(bp)
    api.register_blueprint(bp)
    app.register_blueprint(reference_bp)
    journal.register(app)
    app.extensions["api_v1"] = api


DESCRIPTION = ("The municipality's association support (foreningsstøtte) for other systems: ESDH, finance, "
               "booking screens. Get a token with OAuth 2.0 client credentials at /api/v1/token "
               "(HTTP Basic or form), send it as `Authorization: Bearer …`. Lists are keyset-paginated: pass "
               "`next_cursor` back as `cursor`. Errors are RFC 9457 problem details, in Danish unless "
               "`Accept-Language: en`.")
SCOPES_DOC = SCOPES

"""The resources of /api/v1: pools (public), cases (scope cases:read) and the token endpoint.

The blueprint `bp` is shared: app/api/case_parts.py, money.py and premises.py add their routes to it.
"""
from __future__ import annotations

from flask import current_app, g, request
from flask_smorest import Blueprint, abort
from flask_babel import gettext as _
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from app.api import oauth
from app.api.links import FIRST_ITEM, NEXT_PAGE, from_items, link
from app.api.schemas import CaseListArgs, CasePageSchema, CaseSchema, ChangedArgs, PoolPageSchema
from app.extensions import limiter
from app.services.integrations import api_reads
from app.services.integrations.api_reads import BadCursor

class MultipartParser(FlaskParser):
    """A multipart body's files and its plain fields in one schema (location "files"), as OpenAPI documents it."""

    def load_files(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = MultipartParser()


bp = ApiBlueprint("api", __name__, url_prefix="/api/v1", description="Foreningsstøtte for other systems.")
per_client = limiter.limit(oauth.rate_limit, key_func=oauth.rate_key)
CASES = [{"oauth2": ["cases:read"]}]


@bp.after_request
def no_store(response):
    """Answers carry personal data and are fetched with a bearer token: no cache may keep them."""
    response.headers["Cache-Control"] = "no-store"
    return response


def call() -> tuple[str, str, str]:
    """The call as the client's journal records it: method, endpoint, path."""
    return request.method, request.endpoint, request.path


def bad_cursor():
    abort(400, message=_("Cursoren kan ikke bruges. Brug next_cursor fra forrige side uændret, eller start forfra "
                         "uden cursor."))


@bp.route("/token", methods=["POST"])
@limiter.limit(lambda: current_app.config["API_TOKEN_RATE"])  # per address: each try costs an argon2 verify
@bp.doc(summary="Get an access token (OAuth 2.0 client credentials)", security=[],
        requestBody={"required": True, "content": {"application/x-www-form-urlencoded": {
            "schema": {"$ref": "#/components/schemas/TokenArgs"}}}},
        responses={"200": {"description": "A bearer token", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Token"}}}},
            "400": {"description": "RFC 6749 error (invalid_request, invalid_scope, unsupported_grant_type)"},
            "401": {"description": "RFC 6749 invalid_client"}})
def token():
    """Client id and secret by HTTP Basic or in the form; the token lasts 10 minutes."""
    return oauth.token_response()


@bp.route("/pools")
@per_client
@bp.arguments(ChangedArgs, location="query", as_kwargs=True)
@bp.response(200, PoolPageSchema)
@bp.doc(summary="Published pools", security=[])
@bp.doc(**from_items(next_page=link("/pools", cursor=NEXT_PAGE)))
def pools(limit: int, cursor: str | None = None, updated_since=None):
    """The pools the municipality has published, by id (or by change with updated_since). No token needed."""
    try:
        page = api_reads.pools(cursor, limit, updated_since)
    except BadCursor:
        bad_cursor()
    return {"items": page.items, "next_cursor": page.next_cursor}


@bp.route("/cases")
@per_client
@oauth.require_scope("cases:read")
@bp.arguments(CaseListArgs, location="query", as_kwargs=True)
@bp.response(200, CasePageSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.doc(summary="Submitted cases, oldest change first", security=CASES)
@bp.doc(**from_items(
    next_page=link("/cases", cursor=NEXT_PAGE), case=link("/cases/{case_id}", case_id=FIRST_ITEM),
    journal=link("/cases/{case_id}/journal", case_id=FIRST_ITEM),
    decisions=link("/cases/{case_id}/decisions", case_id=FIRST_ITEM),
    documents=link("/cases/{case_id}/documents", case_id=FIRST_ITEM),
    payment_plan=link("/cases/{case_id}/payment-plan", case_id=FIRST_ITEM),
    esdh_journal_number=link("/cases/{case_id}/esdh-journal-number", "put", case_id=FIRST_ITEM),
    add_document=link("/cases/{case_id}/documents", "post", case_id=FIRST_ITEM)))
def cases(limit: int, cursor: str | None = None, updated_since=None):
    """Keyset-paginated by (updated_at, id); each case returned is logged as read by the client."""
    try:
        page = api_reads.cases(g.api_client, request.endpoint, request.path, cursor, limit, updated_since)
    except BadCursor:
        bad_cursor()
    return {"items": page.items, "next_cursor": page.next_cursor}


@bp.route("/cases/<int:case_id>")
@per_client
@oauth.require_scope("cases:read")
@bp.response(200, CaseSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(404, response="NOT_FOUND")
@bp.doc(summary="One submitted case", security=CASES)
def case(case_id: int):
    """The case's listed columns; logged as read by the client."""
    values = api_reads.case(g.api_client, request.endpoint, request.path, case_id)
    if values is None:
        abort(404)
    return values

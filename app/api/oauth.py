"""OAuth 2.0 client credentials (RFC 6749 §4.4) with Authlib, and the bearer check of every protected call.

POST /api/v1/token takes the client's id and secret by HTTP Basic (client_secret_basic) or in the form
(client_secret_post) and answers a bearer token of TOKEN_LIFETIME with the requested scopes, which must be
among the client's own (none requested: all of them). Errors of this endpoint are RFC 6749 §5.2 JSON, the
format OAuth client libraries read; every other endpoint answers problem details.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.errors import InvalidScopeError
from authlib.oauth2.rfc6749.util import scope_to_list
from flask import Flask, current_app, g, request
from flask_babel import gettext
from werkzeug.exceptions import Forbidden, Unauthorized

from app.models import ApiClient, ApiToken
from app.models.api_client import SCOPES
from app.services.accounts.passwords import verify_nothing, verify_password
from app.services.integrations import api_clients
from app.services.integrations.api_clients import TOKEN_LIFETIME


class OAuthClient(ClientMixin):
    """An ApiClient as Authlib sees it: confidential, client credentials only."""

    def __init__(self, row: ApiClient) -> None:
        self.row = row

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        """The requested scopes (already checked to be the client's), or all of the client's."""
        return " ".join(scope_to_list(scope)) if scope else " ".join(self.row.scope_list)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return verify_password(self.row.secret_hash, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"


class ClientCredentials(grants.ClientCredentialsGrant):
    """Client credentials with the secret in the Basic header or in the form; scopes only from the client's own."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def validate_requested_scope(self) -> None:
        super().validate_requested_scope()
        asked = set(scope_to_list(self.request.payload.scope) or [])
        if not asked <= set(self.request.client.row.scope_list):
            raise InvalidScopeError(description="The client is not allowed every requested scope.")


def _query_client(client_id: str) -> OAuthClient | None:
    row = api_clients.find_active_client(client_id or "")
    if row is None:
        verify_nothing("")  # an unknown or revoked id answers in the time of a known one
        return None
    return OAuthClient(row)


def _save_token(token: dict, oauth_request) -> None:
    api_clients.store_token(oauth_request.client.row, token["access_token"], token.get("scope") or "")


def init_oauth(app: Flask) -> AuthorizationServer:
    """The authorization server of this app (stored in app.extensions['oauth2'])."""
    app.config.setdefault("OAUTH2_SCOPES_SUPPORTED", list(SCOPES))
    app.config.setdefault("OAUTH2_TOKEN_EXPIRES_IN", {"client_credentials": int(TOKEN_LIFETIME.total_seconds())})
    server = AuthorizationServer(app, query_client=_query_client, save_token=_save_token)
    server.register_grant(ClientCredentials)
    app.extensions["oauth2"] = server
    return server


def token_response():
    """The token endpoint's answer (Authlib checks the grant, the client and the scopes)."""
    return current_app.extensions["oauth2"].create_token_response()


# --- the bearer check ----------------------------------------------------------------------------------

def bearer_token() -> ApiToken | None:
    """The request's valid token, looked up once per request (the rate limit's key uses it too).

    Kept in the request's environ, not in `g`: an app context may outlive one request (tests, CLI).
    """
    key = "foreningsstoette.api_token"
    if key not in request.environ:
        kind, _, value = request.headers.get("Authorization", "").partition(" ")
        request.environ[key] = api_clients.active_token(value.strip()) if kind.lower() == "bearer" else None
    return request.environ[key]


def require_scope(scope: str) -> Callable:
    """The call needs a valid bearer token carrying `scope`: 401 without one (or revoked), 403 without the scope."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            token = bearer_token()
            if token is None:
                raise _problem(Unauthorized(), {"WWW-Authenticate": 'Bearer error="invalid_token"'})
            if scope not in token.scopes.split():
                current_app.logger.warning("api: client %s called %s without scope %s", token.client.client_id,
                                           request.endpoint, scope)
                raise _problem(Forbidden(), {"WWW-Authenticate": f'Bearer error="insufficient_scope" scope="{scope}"'},
                               _missing(scope))
            g.api_client = token.client
            return view(*args, **kwargs)
        guarded.required_scope = scope
        return guarded
    return decorate


def _missing(scope: str) -> str:
    return gettext("Tokenet mangler adgangen »%(scope)s«. Bed kommunen om at give klienten den, og hent et nyt token.",
                   scope=scope)


def _problem(error, headers: dict, detail: str | None = None):
    error.data = {"headers": headers, **({"message": detail} if detail else {})}
    return error


def rate_limit() -> str:
    """The caller's limit: its client's per-minute rate, or the shared anonymous one."""
    token = bearer_token()
    if token is None:
        return current_app.config["API_ANONYMOUS_RATE"]
    return f"{token.client.rate_per_minute} per minute"


def rate_key() -> str:
    """Per client when a valid token is sent, else per address."""
    token = bearer_token()
    return f"api-client:{token.client_id}" if token is not None else f"api-ip:{request.remote_addr or 'unknown'}"


def caller() -> tuple[ApiClient | None, str | None, str | None]:
    """Who made this call, as far as the journal may say: (client, the id named when no client has it, why its
    token failed). A valid token names its client; an unusable one the client it was issued to; a token request
    the client it names (revoked or not) or, for an unknown id, that id as text only. Secrets are never read."""
    token = bearer_token()
    if token is not None:
        return token.client, None, None
    if request.endpoint == "api.token":
        named = (request.authorization.username if request.authorization else None) or request.form.get("client_id")
        if not named:
            return None, None, None
        client = api_clients.client_named(named)
        return client, None if client else named, None
    kind, _, value = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "bearer":
        return None, None, None
    client, why = api_clients.token_owner(value.strip())
    return client, None, why

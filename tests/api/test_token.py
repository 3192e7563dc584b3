"""POST /api/v1/token: OAuth 2.0 client credentials by Basic or form, scopes within the client's, revocation."""
from __future__ import annotations

from app import clock
from app.extensions import db
from app.models import ApiToken
from app.services.integrations import api_clients
from app.services.integrations.api_clients import TOKEN_LIFETIME
from tests.api.conftest import basic, bearer, get_token


def test_basic_auth_gives_a_short_lived_bearer_token_stored_only_as_a_hash(client, registered):
    resp = client.post("/api/v1/token", data={"grant_type": "client_credentials"},
                       headers=basic(registered.client.client_id, registered.secret))
    body = resp.get_json()
    assert resp.status_code == 200
    assert body["token_type"] == "Bearer" and body["expires_in"] == TOKEN_LIFETIME.total_seconds()
    assert body["scope"] == "cases:read"
    assert resp.headers["Cache-Control"] == "no-store"
    stored = db.session.scalars(db.select(ApiToken)).one()
    assert stored.token_hash != body["access_token"] and body["access_token"] not in stored.token_hash
    assert stored.expires_at == clock.now() + TOKEN_LIFETIME


def test_the_secret_in_the_form_works_too(client, registered):
    resp = client.post("/api/v1/token", data={"grant_type": "client_credentials", "scope": "cases:read",
                                              "client_id": registered.client.client_id,
                                              "client_secret": registered.secret})
    assert resp.status_code == 200 and resp.get_json()["scope"] == "cases:read"


def test_a_wrong_secret_or_unknown_client_gets_invalid_client_and_no_token(client, registered):
    for client_id, secret in ((registered.client.client_id, "wrong"), ("fs-nobody", registered.secret)):
        resp = client.post("/api/v1/token", data={"grant_type": "client_credentials"}, headers=basic(client_id, secret))
        assert resp.status_code == 401 and resp.get_json()["error"] == "invalid_client"
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0


def test_a_scope_the_client_was_not_given_is_refused(client, registered):
    resp = client.post("/api/v1/token", data={"grant_type": "client_credentials", "scope": "cases:read payouts:write"},
                       headers=basic(registered.client.client_id, registered.secret))
    assert resp.status_code == 400 and resp.get_json()["error"] == "invalid_scope"
    resp = client.post("/api/v1/token", data={"grant_type": "client_credentials", "scope": "everything"},
                       headers=basic(registered.client.client_id, registered.secret))
    assert resp.status_code == 400 and resp.get_json()["error"] == "invalid_scope"


def test_other_grant_types_are_refused(client, registered):
    resp = client.post("/api/v1/token", data={"grant_type": "password", "username": "x", "password": "y"},
                       headers=basic(registered.client.client_id, registered.secret))
    assert resp.status_code == 400 and resp.get_json()["error"] == "unsupported_grant_type"


def test_the_token_endpoint_needs_no_csrf_token(app, client, registered):
    app.config["WTF_CSRF_ENABLED"] = True
    assert get_token(client, registered)


def test_revoking_a_client_stops_its_live_token_at_once_and_it_gets_no_new_one(client, registered, admin):
    token = get_token(client, registered)
    assert client.get("/api/v1/cases", headers=bearer(token)).status_code == 200
    api_clients.revoke_client(admin, registered.client.id)
    resp = client.get("/api/v1/cases", headers=bearer(token))
    assert resp.status_code == 401 and resp.mimetype == "application/problem+json"
    resp = client.post("/api/v1/token", data={"grant_type": "client_credentials"},
                       headers=basic(registered.client.client_id, registered.secret))
    assert resp.status_code == 401


def test_an_expired_token_is_refused(client, registered):
    token = get_token(client, registered)
    clock.move_to(clock.now() + TOKEN_LIFETIME)
    assert client.get("/api/v1/cases", headers=bearer(token)).status_code == 401

"""Every answer of /api/v1 leaves exactly one journal row, refusals included, with the client when it is known."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from app import clock
from app.extensions import db
from app.models import ApiCall, Case, CaseEvent, Document
from app.services.integrations import api_clients
from app.services.integrations.api_clients import TOKEN_LIFETIME
from tests.api.conftest import basic, bearer, count, get_token, journal_after, journal_mark, token_for


def _one(client, method: str, url: str, **kwargs) -> tuple:
    """Call once; (status, the journal rows the call left)."""
    mark = journal_mark()
    resp = client.open(url, method=method, **kwargs)
    return resp.status_code, journal_after(mark)


def test_each_allowed_call_has_one_row_and_a_created_document_its_201(client, cases, admin):
    reader, token = token_for(client, admin, "SBSYS", ["cases:read", "cases:write"])
    for _ in range(2):
        assert _one(client, "GET", "/api/v1/cases", headers=bearer(token)) == (
            200, [("GET", "api.cases", 200, None, reader.id, None)])
    status, rows = _one(client, "POST", f"/api/v1/cases/{cases[0].id}/documents", headers=bearer(token),
                        data={"file": (io.BytesIO(b"plain words"), "note.txt")}, content_type="multipart/form-data")
    assert (status, rows) == (201, [("POST", "api.add_document", 201, None, reader.id, None)])


def test_a_public_call_is_journalised_without_a_client(client, cases):
    assert _one(client, "GET", "/api/v1/pools") == (200, [("GET", "api.pools", 200, None, None, None)])


@pytest.mark.parametrize("headers, problem", [({}, "missing_token"), (bearer("forged"), "invalid_token"),
                                              ({"Authorization": "Basic eDp5"}, "missing_token")])
def test_a_call_without_a_usable_token_is_a_401_of_no_client(client, cases, headers, problem):
    assert _one(client, "GET", "/api/v1/cases", headers=headers) == (
        401, [("GET", "api.cases", 401, problem, None, None)])


def test_an_expired_token_is_journalised_as_its_clients(client, cases, registered):
    token = get_token(client, registered)
    clock.move_to(clock.now() + TOKEN_LIFETIME)
    assert _one(client, "GET", "/api/v1/cases", headers=bearer(token)) == (
        401, [("GET", "api.cases", 401, "expired_token", registered.client.id, None)])


def test_a_revoked_clients_calls_are_journalised_as_its_own(client, cases, registered, admin):
    token = get_token(client, registered)
    api_clients.revoke_client(admin, registered.client.id)
    assert _one(client, "GET", "/api/v1/cases", headers=bearer(token)) == (
        401, [("GET", "api.cases", 401, "revoked_client", registered.client.id, None)])
    status, rows = _one(client, "POST", "/api/v1/token", data={"grant_type": "client_credentials"},
                        headers=basic(registered.client.client_id, registered.secret))
    assert (status, rows) == (401, [("POST", "api.token", 401, "invalid_client", registered.client.id, None)])


def test_a_token_without_the_scope_is_a_403_of_its_client(client, cases, other_scope):
    token = get_token(client, other_scope)
    assert _one(client, "GET", f"/api/v1/cases/{cases[0].id}", headers=bearer(token)) == (
        403, [("GET", "api.case", 403, "insufficient_scope", other_scope.client.id, None)])


@pytest.mark.parametrize("url, endpoint, status, problem", [
    ("/api/v1/cases?cursor=forged", "api.cases", 400, "bad_request"),
    ("/api/v1/cases?limit=many", "api.cases", 422, "unprocessable_entity"),
    ("/api/v1/cases/999999", "api.case", 404, "not_found"), ("/api/v1/nowhere", "", 404, "not_found")])
def test_bad_requests_and_missing_objects_are_journalised_as_the_clients(client, cases, registered, token, url,
                                                                          endpoint, status, problem):
    assert _one(client, "GET", url, headers=bearer(token)) == (
        status, [("GET", endpoint, status, problem, registered.client.id, None)])


def test_a_call_over_the_rate_limit_is_journalised_as_a_429_of_its_client(client, cases, admin):
    slow = api_clients.register_client(admin, "Langsom", ["cases:read"], 2)
    token = get_token(client, slow)
    mark = journal_mark()
    assert [client.get("/api/v1/cases", headers=bearer(token)).status_code for _ in range(3)] == [200, 200, 429]
    assert [r[2:5] for r in journal_after(mark)] == [(200, None, slow.client.id)] * 2 + [
        (429, "too_many_requests", slow.client.id)]


def test_the_token_endpoint_journalises_a_wrong_secret_without_it(client, registered):
    secret = "not-" + registered.secret
    assert _one(client, "POST", "/api/v1/token", data={"grant_type": "client_credentials"},
                headers=basic(registered.client.client_id, secret)) == (
        401, [("POST", "api.token", 401, "invalid_client", registered.client.id, None)])
    status, rows = _one(client, "POST", "/api/v1/token", data={"grant_type": "client_credentials",
                                                                "client_id": "fs-nobody", "client_secret": secret})
    assert (status, rows) == (400, [("POST", "api.token", 400, "invalid_client", None, "fs-nobody")])  # Authlib: 400
    row = db.session.scalars(db.select(ApiCall).order_by(ApiCall.id.desc())).first()
    assert not any(secret in str(value) for value in vars(row).values())


def test_a_refused_write_leaves_its_journal_row_and_nothing_else(client, cases, admin):
    writer, token = token_for(client, admin, "SBSYS", ["cases:write"])
    url = f"/api/v1/cases/{cases[0].id}/esdh-journal-number"
    assert client.put(url, json={"journal_number": "A-1"}, headers=bearer(token)).status_code == 200
    before = (count(CaseEvent), count(Document))
    status, rows = _one(client, "PUT", url, json={"journal_number": "B-2"}, headers=bearer(token))
    assert (status, rows) == (409, [("PUT", "api.esdh_journal_number", 409, "conflict", writer.id, None)])
    assert (count(CaseEvent), count(Document)) == before
    assert db.session.get(Case, cases[0].id).esdh_journal_number == "A-1"


def test_a_flood_grows_the_journal_no_faster_than_the_rate_limit(app, client, cases):
    """Bad tokens from one address: the limiter lets 3 through a minute, the 429s and the unknown paths share a
    journal budget of 3 more; the rest reach the app log only."""
    app.config["API_ANONYMOUS_RATE"] = "3 per minute"
    mark = journal_mark()
    statuses = [client.get("/api/v1/cases", headers=bearer(f"forged-{n}")).status_code for n in range(8)]
    statuses += [client.get("/api/v1/nowhere").status_code for _ in range(3)]
    assert statuses == [401] * 3 + [429] * 5 + [404] * 3
    assert [r[2] for r in journal_after(mark)] == [401] * 3 + [429] * 3


@pytest.fixture
def journal_refuses_rows(app):
    """The database refuses every new journal row (a full disk, a lost grant): the answers must stand."""
    postgres = db.engine.dialect.name == "postgresql"
    statements = ([
        "CREATE FUNCTION api_calls_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'no room'; END $$ "
        "LANGUAGE plpgsql",
        "CREATE TRIGGER api_calls_refuse BEFORE INSERT ON api_calls FOR EACH ROW EXECUTE FUNCTION api_calls_refuse()",
    ] if postgres else [
        "CREATE TRIGGER api_calls_refuse BEFORE INSERT ON api_calls BEGIN SELECT RAISE(ABORT, 'no room'); END"])
    for statement in statements:
        db.session.execute(text(statement))
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(text("DROP TRIGGER api_calls_refuse" + (" ON api_calls" if postgres else "")))
    if postgres:
        db.session.execute(text("DROP FUNCTION api_calls_refuse()"))
    db.session.commit()


def test_a_journal_that_cannot_be_written_turns_no_refusal_into_a_500(client, cases, journal_refuses_rows):
    resp = client.get("/api/v1/cases", headers=bearer("forged"))
    assert resp.status_code == 401 and resp.mimetype == "application/problem+json"
    assert client.get("/api/v1/nowhere").status_code == 404
    assert count(ApiCall) == 0

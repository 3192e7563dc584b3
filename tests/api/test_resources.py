"""GET /api/v1/pools and /cases: scopes, keyset pages, updated_since, listed columns, journal and read log."""
from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import ApiCall, ReadEvent
from tests.api.conftest import AT, allowed_calls, bearer, get_token, journal_after, journal_mark


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_pools_are_public_and_only_the_published_ones(client, factory):
    shown = factory.PoolFactory(is_published=True, name="Frivillighedspuljen")
    factory.PoolFactory(is_published=False, name="Kladdepulje")
    db.session.commit()
    body = client.get("/api/v1/pools").get_json()
    assert [p["name"] for p in body["items"]] == [shown.name] and body["next_cursor"] is None


def test_cases_page_through_with_the_cursor_and_every_case_comes_once_in_order(client, cases, token):
    seen, cursor = [], None
    for _ in range(10):
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/cases", query_string=query, headers=bearer(token)).get_json()
        seen += [c["id"] for c in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [c.id for c in cases]  # the draft is not among them


def test_only_the_listed_columns_leave_and_no_cache_keeps_them(client, cases, token):
    resp = client.get("/api/v1/cases", headers=bearer(token))
    assert resp.headers["Cache-Control"] == "no-store"
    item = resp.get_json()["items"][0]
    assert set(item) == {"id", "number", "title", "workflow", "state", "pool_id", "association_id", "amount_applied",
                         "granted_amount", "submitted_at", "decided_at", "updated_at", "esdh_journal_number"}
    assert "secret answer" not in str(item)


def test_updated_since_gives_the_cases_changed_at_or_after_it(client, cases, token):
    since = (AT + timedelta(minutes=4)).isoformat()
    body = client.get("/api/v1/cases", query_string={"updated_since": since}, headers=bearer(token)).get_json()
    assert [c["id"] for c in body["items"]] == [c.id for c in cases[4:]]


def test_every_case_read_is_in_the_read_log_with_the_client_as_reader_and_the_call_journalised(client, cases,
                                                                                              registered, token):
    client.get("/api/v1/cases", query_string={"limit": 2}, headers=bearer(token))
    client.get(f"/api/v1/cases/{cases[5].id}", headers=bearer(token))
    reads = db.session.scalars(db.select(ReadEvent).order_by(ReadEvent.id)).all()
    assert [(r.case_id, r.api_client_id, r.reader_id, r.reader_role) for r in reads] == [
        (cases[0].id, registered.client.id, None, "api_client"), (cases[1].id, registered.client.id, None, "api_client"),
        (cases[5].id, registered.client.id, None, "api_client")]
    assert reads[0].reader_name == "SBSYS"
    calls = db.session.scalars(db.select(ApiCall).where(ApiCall.endpoint != "api.token").order_by(ApiCall.id)).all()
    assert [(c.endpoint, c.path, c.status, c.client_id) for c in calls] == [
        ("api.cases", "/api/v1/cases", 200, registered.client.id),
        ("api.case", f"/api/v1/cases/{cases[5].id}", 200, registered.client.id)]


def test_one_case_and_a_missing_one(client, cases, token):
    body = client.get(f"/api/v1/cases/{cases[2].id}", headers=bearer(token)).get_json()
    assert body["number"] == "2027-0002" and body["amount_applied"] == 3000
    resp = client.get("/api/v1/cases/999999", headers=bearer(token))
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"


def test_a_token_without_the_scope_gets_403_and_nothing_is_written(client, cases, other_scope):
    token = get_token(client, other_scope)
    before, mark = (_count(ReadEvent), allowed_calls()), journal_mark()
    for url in ("/api/v1/cases", f"/api/v1/cases/{cases[0].id}"):
        resp = client.get(url, headers=bearer(token))
        assert resp.status_code == 403 and resp.mimetype == "application/problem+json"
        assert 'error="insufficient_scope"' in resp.headers["WWW-Authenticate"]
        assert "cases:read" in resp.get_json()["detail"]
    assert (_count(ReadEvent), allowed_calls()) == before
    assert [(c[2], c[3], c[4]) for c in journal_after(mark)] == [(403, "insufficient_scope", other_scope.client.id)] * 2


def test_a_session_cookie_is_no_token(client, cases, admin, auth):
    auth.login("anne@kommune.dk")
    assert client.get("/api/v1/cases").status_code == 401


def test_the_rate_limit_is_per_client(app, client, cases, registered, admin):
    from app.services.integrations import api_clients
    slow = api_clients.register_client(admin, "Langsom", ["cases:read"], 2)
    slow_token, fast_token = get_token(client, slow), get_token(client, registered)
    assert [client.get("/api/v1/cases", headers=bearer(slow_token)).status_code for _ in range(3)] == [200, 200, 429]
    resp = client.get("/api/v1/cases", headers=bearer(slow_token))
    assert resp.mimetype == "application/problem+json" and resp.get_json()["status"] == 429
    assert client.get("/api/v1/cases", headers=bearer(fast_token)).status_code == 200


def test_the_read_log_pages_name_the_integration(client, cases, token):
    from app.services.journals import read_log
    client.get(f"/api/v1/cases/{cases[0].id}", headers=bearer(token))
    page = read_log.reads_of_case(cases[0].id)
    assert [r.reader_name for r in page.rows] == ["SBSYS"]
    assert read_log.describe(page.rows)[page.rows[0].id]["role"] == "Integration (API)"

"""Integrations on the admin pages: register (secret shown once, stored as argon2), revoke; both journalised."""
from __future__ import annotations

import re

from app.extensions import db
from app.models import AdminEvent, ApiClient


def _register(admin_client, **form):
    data = {"name": "SBSYS", "scopes": ["cases:read"], "rate_per_minute": "60", **form}
    return admin_client.post("/admin/integrationer", data=data)


def test_register_shows_the_secret_once_and_keeps_only_its_hash(admin_client, admin):
    page = _register(admin_client).get_data(as_text=True)
    client = db.session.scalars(db.select(ApiClient)).one()
    secret = re.search(r"Hemmelighed</dt><dd><code>([^<]+)</code>", page).group(1)
    assert client.client_id in page and client.secret_hash.startswith("$argon2id$") and secret not in client.secret_hash
    assert client.scope_list == ["cases:read"] and client.rate_per_minute == 60 and client.created_by_id == admin.id
    assert secret not in admin_client.get("/admin/integrationer").get_data(as_text=True)
    event = db.session.scalars(db.select(AdminEvent).where(AdminEvent.entity_type == "api_client")).one()
    assert event.action == "create" and event.actor_id == admin.id and secret not in str(event.after)


def test_refusals_say_why(admin_client):
    _register(admin_client)
    assert "Der findes allerede en integration med det navn" in _register(admin_client).get_data(as_text=True)
    page = _register(admin_client, name="Økonomi", scopes=[]).get_data(as_text=True)
    assert "Vælg mindst én adgang fra listen" in page
    page = _register(admin_client, name="Økonomi", rate_per_minute="0").get_data(as_text=True)
    assert "mellem 1 og" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiClient)) == 1


def test_revoke_is_journalised_and_cannot_be_done_twice(admin_client, admin):
    _register(admin_client)
    client = db.session.scalars(db.select(ApiClient)).one()
    resp = admin_client.post(f"/admin/integrationer/{client.id}/spaer", follow_redirects=True)
    assert "er spærret" in resp.get_data(as_text=True)
    db.session.refresh(client)
    assert client.revoked_at is not None and client.revoked_by_id == admin.id
    assert db.session.scalars(db.select(AdminEvent.action).where(AdminEvent.entity_type == "api_client")
                              .order_by(AdminEvent.id)).all() == ["create", "revoke"]
    again = admin_client.post(f"/admin/integrationer/{client.id}/spaer", follow_redirects=True)
    assert "allerede spærret" in again.get_data(as_text=True)
    journal = admin_client.get("/admin/journal?emne=api_client").get_data(as_text=True)
    assert "Integration" in journal and "spærret" in journal


def test_the_clients_page_shows_its_refused_calls_and_no_one_elses(admin_client):
    _register(admin_client)
    _register(admin_client, name="OPUS")
    sbsys, opus = db.session.scalars(db.select(ApiClient).order_by(ApiClient.id)).all()
    page = admin_client.get(f"/admin/integrationer/{sbsys.id}").get_data(as_text=True)
    assert "Ingen afviste kald" in page
    admin_client.post("/api/v1/token", data={"grant_type": "client_credentials", "client_id": sbsys.client_id,
                                             "client_secret": "wrong-secret"})
    page = admin_client.get(f"/admin/integrationer/{sbsys.id}").get_data(as_text=True)
    assert "POST /api/v1/token" in page and "HTTP 401" in page and "invalid_client" in page
    assert "wrong-secret" not in page
    assert "invalid_client" not in admin_client.get(f"/admin/integrationer/{opus.id}").get_data(as_text=True)

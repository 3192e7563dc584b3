"""Export ZIPs (who may fetch which), account deletion, and the administrators' retention page."""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from app.extensions import db
from app.models import AdminEvent, Case, ExternalIdentity, Membership, User
from tests.privacy_data.conftest import ATTACHMENT


def _zip(response) -> tuple[dict, zipfile.ZipFile]:
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return json.loads(archive.read("data.json")), archive


def test_own_export_has_the_data_and_byte_identical_files(world, client, auth):
    case, doc_id = world.case("decide_reject")
    auth.login("formand@example.dk")
    data, archive = _zip(client.post("/privatliv/eksport"))
    assert {"export", "profile", "memberships", "cases", "journal_entries_by_me", "invitations_received",
            "messages_sent_to_me", "files"} <= set(data)
    assert data["profile"]["email"] == "formand@example.dk" and "password_hash" not in data["profile"]
    assert data["memberships"][0]["association"]["name"] == "Boldklubben Øst"
    exported = next(c for c in data["cases"] if c["id"] == case.id)
    assert exported["amount_applied"] == 10_000 and exported["state"] == "rejected"
    assert exported["decisions"] == [] or exported["decisions"][0]["outcome"] == "rejected"
    assert exported["created_at"][:4].isdigit() and "T" in exported["created_at"]  # ISO 8601
    listed = next(f for f in data["files"] if f["id"] == doc_id)
    assert listed["filename"] == "Budget Jens Hansen.pdf" and "storage_key" not in listed
    assert listed["path"].startswith("filer/") and "/" not in listed["path"][len("filer/"):]
    assert archive.read(listed["path"]) == ATTACHMENT


def test_chair_exports_the_association(world, client, auth):
    case, doc_id = world.case("decide_reject")
    auth.login("formand@example.dk")
    data, archive = _zip(client.post(f"/privatliv/foreninger/{world.association.id}/eksport"))
    assert data["association"]["cvr"] == world.association.cvr
    assert {m["email"] for m in data["board"]} == {"formand@example.dk", "kasserer@example.dk"}
    assert [c["id"] for c in data["cases"]] == [case.id]
    assert all(e["visibility"] == "public" for e in data["cases"][0]["journal"])
    listed = next(f for f in data["files"] if f["id"] == doc_id)
    assert archive.read(listed["path"]) == ATTACHMENT


@pytest.mark.parametrize("email, status", [
    ("anden@example.dk", 404),       # another association's member
    ("kasserer@example.dk", 403),    # on the board, but not the chair
    ("udvalg@example.dk", 403),
    ("sb@example.dk", 200),
    ("admin@example.dk", 200),
    (None, 302),
])
def test_association_export_access(world, client, auth, email, status):
    if email:
        auth.login(email)
    response = client.post(f"/privatliv/foreninger/{world.association.id}/eksport")
    assert response.status_code == status
    if status == 302:
        assert "/konto/log-ind" in response.headers["Location"]


def test_unknown_association_is_404_for_staff(world, client, auth):
    auth.login("sb@example.dk")
    assert client.post("/privatliv/foreninger/9999/eksport").status_code == 404


def test_administrator_exports_any_user_and_it_is_journalised(world, client, auth):
    auth.login("sb@example.dk")
    assert client.post("/privatliv/brugere/eksport", data={"email": "formand@example.dk"}).status_code == 403
    auth.logout()
    auth.login("admin@example.dk")
    data, _archive = _zip(client.post("/privatliv/brugere/eksport", data={"email": "formand@example.dk"}))
    assert data["profile"]["id"] == world.chair.id
    event = db.session.scalar(db.select(AdminEvent).where(AdminEvent.action == "export"))
    assert (event.entity_type, event.entity_id, event.actor_id) == ("user", world.chair.id, world.admin.id)
    missing = client.post("/privatliv/brugere/eksport", data={"email": "ingen@example.dk"})
    assert missing.status_code == 400 and "Der findes ingen bruger".encode() in missing.data


def test_external_identities_are_exported_and_go_with_the_account(world, client, auth):
    """A log-in through an identity provider is the person's data: listed in the export, deleted with the account."""
    db.session.add(ExternalIdentity(user_id=world.treasurer.id, provider="oidc", subject="pseudonym-42"))
    db.session.commit()
    auth.login("kasserer@example.dk")
    data, _archive = _zip(client.post("/privatliv/eksport"))
    assert [(i["provider"], i["subject"]) for i in data["external_identities"]] == [("oidc", "pseudonym-42")]
    assert client.post("/privatliv/slet", data={"password": "demo-adgangskode", "understood": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(ExternalIdentity).where(ExternalIdentity.subject == "pseudonym-42")) is None


def test_member_deletes_their_account(world, client, auth):
    case, _doc = world.case("decide_reject")
    auth.login("kasserer@example.dk")
    wrong = client.post("/privatliv/slet", data={"password": "forkert-kode", "understood": "y"})
    assert wrong.status_code == 400 and "Adgangskoden er forkert".encode() in wrong.data
    response = client.post("/privatliv/slet", data={"password": "demo-adgangskode", "understood": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, world.treasurer.id)
    assert (user.email, user.full_name, user.phone, user.is_active) == (
        f"deleted-{user.id}@slettet.invalid", "Slettet bruger", None, False)
    assert db.session.scalar(db.select(Membership).where(Membership.user_id == user.id)) is None
    assert db.session.get(Case, case.id) is not None  # the association's case stays
    auth.login("kasserer@example.dk")
    assert client.get("/privatliv/").status_code == 302  # the log-in was refused: still logged out


def test_last_chair_with_open_cases_must_hand_over_first(world, client, auth):
    world.case("decide_grant")  # granted: still open
    auth.login("formand@example.dk")
    response = client.post("/privatliv/slet", data={"password": "demo-adgangskode", "understood": "y"})
    assert response.status_code == 400
    assert "eneste formand for Boldklubben Øst".encode() in response.data
    db.session.expire_all()
    assert db.session.get(User, world.chair.id).is_active


def test_deletion_needs_the_tick_and_is_for_members_only(world, client, auth):
    auth.login("formand@example.dk")
    response = client.post("/privatliv/slet", data={"password": "demo-adgangskode"})
    assert response.status_code == 400 and "Sæt kryds".encode() in response.data
    auth.logout()
    auth.login("sb@example.dk")
    assert client.post("/privatliv/slet", data={"password": "demo-adgangskode", "understood": "y"}).status_code == 403


@pytest.mark.parametrize("email, status", [("admin@example.dk", 200), ("sb@example.dk", 403),
                                           ("formand@example.dk", 403)])
def test_retention_page_access(world, client, auth, email, status):
    auth.login(email)
    assert client.get("/privatliv/sletteregler").status_code == status
    assert client.post("/privatliv/sletteregler/koer").status_code == (302 if status == 200 else status)


def test_administrator_run_is_journalised(world, client, auth):
    auth.login("admin@example.dk")
    page = client.get("/privatliv/sletteregler")
    assert "Sager med tilskud".encode() in page.data
    client.post("/privatliv/sletteregler/koer")
    event = db.session.scalar(db.select(AdminEvent).where(AdminEvent.entity_type == "retention"))
    assert (event.action, event.actor_id) == ("run", world.admin.id)


@pytest.mark.parametrize("email", ["formand@example.dk", "sb@example.dk", "admin@example.dk", "udvalg@example.dk"])
def test_mine_data_page_for_every_role(world, client, auth, email):
    auth.login(email)
    page = client.get("/privatliv/")
    assert page.status_code == 200
    assert ("Slet min bruger".encode() in page.data) and (
        (b'action="/privatliv/slet"' in page.data) == (email == "formand@example.dk"))

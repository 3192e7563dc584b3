"""GET /api/v1/associations, a case's journal, decisions and documents, and a document's bytes (documents:read)."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.models import ReadEvent
from tests.api.conftest import allowed_calls, bearer, count, journal_after, journal_mark, token_for


@pytest.fixture
def decided(world):
    """A granted case (journal, decision and its letter) of Boldklubben, and a draft of Skakklubben."""
    case = world.granted(10_000, title="Fodboldmål")
    world.factory.CaseFactory(pool=world.pool, association=world.other, state="draft", title="Kladde")
    db.session.commit()
    return case


def test_associations_are_those_with_a_submitted_case_paged_by_id_and_logged(client, decided, world, admin):
    api_client, token = token_for(client, admin, "SBSYS", ["cases:read"])
    body = client.get("/api/v1/associations", query_string={"limit": 1}, headers=bearer(token)).get_json()
    assert [a["name"] for a in body["items"]] == ["Boldklubben Nordstjernen"] and body["next_cursor"] is None
    assert body["items"][0]["cvr"] == "12345674"
    reads = db.session.scalars(db.select(ReadEvent).where(ReadEvent.api_client_id == api_client.id)).all()
    assert [(r.object_type, r.association_id) for r in reads] == [("association", world.association.id)]


def test_a_bad_association_cursor_is_400(client, decided, admin):
    _c, token = token_for(client, admin, "SBSYS", ["cases:read"])
    resp = client.get("/api/v1/associations", query_string={"cursor": "W10"}, headers=bearer(token))
    assert resp.status_code == 400 and resp.mimetype == "application/problem+json"


def test_journal_decisions_and_documents_of_a_case_are_read_as_the_case(client, decided, admin):
    api_client, token = token_for(client, admin, "SBSYS", ["cases:read"])
    journal = client.get(f"/api/v1/cases/{decided.id}/journal", headers=bearer(token)).get_json()
    assert [e["to_state"] for e in journal if e["kind"] == "transition"][0] == "submitted"
    assert all(e["by_integration"] is False for e in journal)
    decisions = client.get(f"/api/v1/cases/{decided.id}/decisions", headers=bearer(token)).get_json()
    assert [(d["outcome"], d["amount"]) for d in decisions] == [("granted", 10_000)]
    documents = client.get(f"/api/v1/cases/{decided.id}/documents", headers=bearer(token)).get_json()
    assert decisions[0]["letter_document_id"] in {d["id"] for d in documents}
    reads = db.session.scalars(db.select(ReadEvent.object_type).where(ReadEvent.api_client_id == api_client.id)).all()
    assert reads == ["case", "case", "case"]


@pytest.mark.parametrize("part", ["journal", "decisions", "documents"])
def test_a_draft_or_missing_case_has_no_parts(client, decided, admin, part):
    from app.models import Case
    _c, token = token_for(client, admin, "SBSYS", ["cases:read"])
    draft = db.session.scalar(db.select(Case.id).where(Case.title == "Kladde"))
    for case_id in (draft, 999999):
        resp = client.get(f"/api/v1/cases/{case_id}/{part}", headers=bearer(token))
        assert resp.status_code == 404 and resp.mimetype == "application/problem+json"


def test_the_decision_letter_downloads_as_its_stored_pdf_with_documents_read_and_is_logged(client, decided, admin):
    from app.models import Decision, Document
    from app.services.files import storage
    api_client, token = token_for(client, admin, "SBSYS", ["documents:read"])
    letter_id = db.session.scalar(db.select(Decision.letter_document_id).where(Decision.case_id == decided.id))
    stored = db.session.get(Document, letter_id)
    resp = client.get(f"/api/v1/documents/{letter_id}", headers=bearer(token))
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data == storage.read_bytes(stored.storage_key) and resp.data.startswith(b"%PDF")
    assert resp.headers["Cache-Control"] == "no-store"
    read = db.session.scalars(db.select(ReadEvent).where(ReadEvent.api_client_id == api_client.id)).one()
    assert (read.object_type, read.object_id, read.case_id) == ("document", letter_id, decided.id)


def test_a_document_of_a_draft_or_without_a_case_is_404(client, decided, admin, factory):
    from app.models import Case
    _c, token = token_for(client, admin, "SBSYS", ["documents:read"])
    draft = db.session.get(Case, db.session.scalar(db.select(Case.id).where(Case.title == "Kladde")))
    hidden = [factory.document(case=draft), factory.document(association=draft.association)]
    db.session.commit()
    for doc in hidden:
        assert client.get(f"/api/v1/documents/{doc.id}", headers=bearer(token)).status_code == 404


def test_cases_read_is_no_document_download_and_documents_read_no_case_list(client, decided, admin):
    from app.models import Decision
    cases_client, cases_token = token_for(client, admin, "SBSYS", ["cases:read"])
    docs_client, docs_token = token_for(client, admin, "Arkiv", ["documents:read"])
    letter_id = db.session.scalar(db.select(Decision.letter_document_id).where(Decision.case_id == decided.id))
    before, mark = (count(ReadEvent), allowed_calls()), journal_mark()
    assert client.get(f"/api/v1/documents/{letter_id}", headers=bearer(cases_token)).status_code == 403
    for url in ("/api/v1/associations", f"/api/v1/cases/{decided.id}/journal"):
        assert client.get(url, headers=bearer(docs_token)).status_code == 403
    assert (count(ReadEvent), allowed_calls()) == before
    assert [(c[1], c[2], c[3], c[4]) for c in journal_after(mark)] == [
        ("api.document", 403, "insufficient_scope", cases_client.id),
        ("api.associations", 403, "insufficient_scope", docs_client.id),
        ("api.case_journal", 403, "insufficient_scope", docs_client.id)]

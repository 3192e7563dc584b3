"""The writes of /api/v1: the ESDH journal number, an incoming document, and a payout line's result.

Each: the scope's absence is a 403 that writes nothing; the same answer twice is fine; another answer is a
problem 409 in Danish; the case journal names the client.
"""
from __future__ import annotations

import io

import pytest

from app import clock
from app.extensions import db
from app.models import ApiCall, Case, CaseEvent, Document, PaymentBatch, PaymentBatchLine, PaymentInstalment
from app.services.money import payouts
from tests.api.conftest import bearer, count, token_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def granted(world):
    case = world.granted(10_000, title="Fodboldmål")
    db.session.commit()
    return case


def _written() -> tuple[int, ...]:
    """What a write leaves; a refused one leaves only its refusal's journal row (not counted here)."""
    return (count(CaseEvent), count(ApiCall, ApiCall.status < 400), count(Document),
            count(PaymentBatchLine, PaymentBatchLine.status != "sent"))


# --- the ESDH journal number -------------------------------------------------------------------------------

def test_the_journal_number_is_set_once_journalled_with_the_client_and_a_repeat_is_fine(client, granted, admin):
    api_client, token = token_for(client, admin, "SBSYS", ["cases:write"])
    url = f"/api/v1/cases/{granted.id}/esdh-journal-number"
    for _ in range(2):
        resp = client.put(url, json={"journal_number": "27.15.00-G01-12-27"}, headers=bearer(token))
        assert resp.status_code == 200 and resp.get_json()["esdh_journal_number"] == "27.15.00-G01-12-27"
    db.session.expire_all()
    assert db.session.get(Case, granted.id).esdh_journal_number == "27.15.00-G01-12-27"
    events = db.session.scalars(db.select(CaseEvent).where(CaseEvent.kind == "esdh")).all()
    assert [(e.api_client_id, e.actor_id, e.comment) for e in events] == [(api_client.id, None, "27.15.00-G01-12-27")]


def test_another_journal_number_is_a_danish_409_and_changes_nothing(client, granted, admin):
    _c, token = token_for(client, admin, "SBSYS", ["cases:write"])
    url = f"/api/v1/cases/{granted.id}/esdh-journal-number"
    client.put(url, json={"journal_number": "A-1"}, headers=bearer(token))
    before = _written()
    resp = client.put(url, json={"journal_number": "B-2"}, headers=bearer(token))
    assert resp.status_code == 409 and resp.mimetype == "application/problem+json"
    assert resp.headers["Content-Language"] == "da" and "A-1" in resp.get_json()["detail"]
    assert _written() == before
    db.session.expire_all()
    assert db.session.get(Case, granted.id).esdh_journal_number == "A-1"


@pytest.mark.parametrize("body", [{}, {"journal_number": ""}, {"journal_number": " padded "},
                                  {"journal_number": "x" * 65}, {"journal_number": 12}, {"other": "A-1"}])
def test_a_bad_journal_number_is_422(client, granted, admin, body):
    _c, token = token_for(client, admin, "SBSYS", ["cases:write"])
    resp = client.put(f"/api/v1/cases/{granted.id}/esdh-journal-number", json=body, headers=bearer(token))
    assert resp.status_code == 422 and resp.get_json()["errors"]


def test_a_body_that_is_not_json_is_no_500(client, granted, admin):
    _c, token = token_for(client, admin, "SBSYS", ["cases:write"])
    resp = client.put(f"/api/v1/cases/{granted.id}/esdh-journal-number", data="{not json",
                      content_type="application/json", headers=bearer(token))
    assert resp.status_code in (400, 422) and resp.mimetype == "application/problem+json"


# --- an incoming document -----------------------------------------------------------------------------------

def test_an_incoming_document_is_checked_stored_and_journalled(client, granted, admin):
    api_client, token = token_for(client, admin, "SBSYS", ["cases:write"])
    resp = client.post(f"/api/v1/cases/{granted.id}/documents", headers=bearer(token),
                       data={"file": (io.BytesIO(PDF), "høringssvar.pdf"), "description": "Fra ESDH"},
                       content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["kind"], body["direction"], body["content_type"], body["description"]) == (
        "incoming", "in", "application/pdf", "Fra ESDH")
    document = db.session.get(Document, body["id"])
    assert (document.case_id, document.uploaded_by_id, document.size_bytes) == (granted.id, None, len(PDF))
    event = db.session.scalars(db.select(CaseEvent).where(CaseEvent.action == "document_received")).one()
    assert (event.api_client_id, event.case_id) == (api_client.id, granted.id)


@pytest.mark.parametrize("data", [{"file": (io.BytesIO(b"MZ\x90\x00binary"), "virus.exe")},
                                  {"file": (io.BytesIO(b""), "empty.pdf")},
                                  {"description": "no file"},
                                  {"file": (io.BytesIO(PDF), "a.pdf"), "description": "x" * 2001}])
def test_a_refused_upload_is_422_and_writes_nothing(client, granted, admin, data):
    _c, token = token_for(client, admin, "SBSYS", ["cases:write"])
    before = _written()
    resp = client.post(f"/api/v1/cases/{granted.id}/documents", headers=bearer(token), data=data,
                       content_type="multipart/form-data")
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    assert _written() == before


def test_a_file_above_the_limit_is_refused(app, client, granted, admin):
    app.config["MAX_ATTACHMENT_BYTES"] = 100
    _c, token = token_for(client, admin, "SBSYS", ["cases:write"])
    resp = client.post(f"/api/v1/cases/{granted.id}/documents", headers=bearer(token),
                       data={"file": (io.BytesIO(PDF + b" " * 200), "stor.pdf")}, content_type="multipart/form-data")
    assert resp.status_code in (413, 422) and "stor" in resp.get_json()["detail"]
    assert count(Document, Document.kind == "incoming") == 0


def test_no_document_on_a_draft(client, world, admin, factory):
    draft = factory.CaseFactory(pool=world.pool, association=world.association, state="draft")
    db.session.commit()
    _c, token = token_for(client, admin, "SBSYS", ["cases:write"])
    resp = client.post(f"/api/v1/cases/{draft.id}/documents", headers=bearer(token),
                       data={"file": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 404 and count(Document, Document.kind == "incoming") == 0


# --- a payout line's result ---------------------------------------------------------------------------------

@pytest.fixture
def sent_line(world, granted):
    """The granted case's line in a sent batch."""
    batch = payouts.create_batch(world.caseworker, clock.today())
    world.approve(batch)
    payouts.mark_sent(batch.id, world.caseworker)
    return db.session.scalars(db.select(PaymentBatchLine).where(PaymentBatchLine.batch_id == batch.id)).one()


def _result(client, token, line_id, status="paid", reference="OPUS-4711", **extra):
    return client.put(f"/api/v1/payout-lines/{line_id}/result", headers=bearer(token),
                      json={"status": status, "finance_reference": reference, **extra})


def test_a_line_reported_paid_records_the_reference_pays_the_instalment_and_a_repeat_is_fine(client, sent_line,
                                                                                            admin):
    api_client, token = token_for(client, admin, "OPUS", ["payouts:write"])
    for _ in range(2):
        resp = _result(client, token, sent_line.id)
        assert resp.status_code == 200 and resp.get_json()["status"] == "paid"
    db.session.expire_all()
    line = db.session.get(PaymentBatchLine, sent_line.id)
    assert (line.status, line.finance_reference, line.settled_by_client_id) == ("paid", "OPUS-4711", api_client.id)
    assert db.session.get(PaymentInstalment, line.instalment_id).paid_at is not None
    events = db.session.scalars(db.select(CaseEvent).where(CaseEvent.kind == "payout")).all()
    assert [(e.action, e.api_client_id, e.comment) for e in events] == [("payout_line_paid", api_client.id, "OPUS-4711")]


@pytest.mark.parametrize("second", [{"reference": "OPUS-9999"}, {"status": "failed", "failure_reason": "Konto lukket"}])
def test_another_answer_for_a_settled_line_is_a_409_and_changes_nothing(client, sent_line, admin, second):
    _c, token = token_for(client, admin, "OPUS", ["payouts:write"])
    _result(client, token, sent_line.id)
    before = _written()
    resp = _result(client, token, sent_line.id, **second)
    assert resp.status_code == 409 and "OPUS-4711" in resp.get_json()["detail"]
    assert _written() == before


def test_a_failed_line_is_not_paid_when_staff_mark_the_batch_paid(client, sent_line, admin, world):
    _c, token = token_for(client, admin, "OPUS", ["payouts:write"])
    resp = _result(client, token, sent_line.id, status="failed", reference="ERR-17", failure_reason="Konto lukket")
    assert resp.status_code == 200 and resp.get_json()["failure_reason"] == "Konto lukket"
    payouts.mark_paid(sent_line.batch_id, world.caseworker)
    db.session.expire_all()
    assert db.session.get(PaymentInstalment, sent_line.instalment_id).paid_at is None
    assert db.session.get(PaymentBatch, sent_line.batch_id).status == "paid"


def test_a_line_of_a_draft_batch_cannot_be_answered(client, world, granted, admin):
    batch = payouts.create_batch(world.caseworker, clock.today())
    line = db.session.scalars(db.select(PaymentBatchLine).where(PaymentBatchLine.batch_id == batch.id)).one()
    _c, token = token_for(client, admin, "OPUS", ["payouts:write"])
    before = _written()
    resp = _result(client, token, line.id)
    assert resp.status_code == 409 and resp.mimetype == "application/problem+json"
    assert _written() == before


def test_failed_after_staff_marked_it_paid_is_a_409(client, sent_line, admin, world):
    payouts.mark_paid(sent_line.batch_id, world.caseworker)
    _c, token = token_for(client, admin, "OPUS", ["payouts:write"])
    assert _result(client, token, sent_line.id, status="failed").status_code == 409
    assert _result(client, token, sent_line.id).status_code == 200  # paid: the reference is recorded all the same


@pytest.mark.parametrize("body", [{"status": "maybe", "finance_reference": "X"}, {"status": "paid"},
                                  {"status": "paid", "finance_reference": ""}, {}])
def test_a_bad_result_is_422(client, sent_line, admin, body):
    _c, token = token_for(client, admin, "OPUS", ["payouts:write"])
    resp = client.put(f"/api/v1/payout-lines/{sent_line.id}/result", json=body, headers=bearer(token))
    assert resp.status_code == 422


def test_an_unknown_line_is_404(client, sent_line, admin):
    _c, token = token_for(client, admin, "OPUS", ["payouts:write"])
    assert _result(client, token, 999999).status_code == 404


# --- scopes ---------------------------------------------------------------------------------------------------

def test_without_the_write_scope_every_write_is_403_and_writes_nothing(client, sent_line, granted, admin):
    _c, token = token_for(client, admin, "Læser", ["cases:read", "payouts:read", "documents:read"])
    before = _written()
    responses = [
        client.put(f"/api/v1/cases/{granted.id}/esdh-journal-number", json={"journal_number": "A-1"},
                   headers=bearer(token)),
        client.post(f"/api/v1/cases/{granted.id}/documents", headers=bearer(token),
                    data={"file": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data"),
        _result(client, token, sent_line.id)]
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert _written() == before
    db.session.expire_all()
    assert db.session.get(Case, granted.id).esdh_journal_number is None


def test_more_paid_than_granted_is_a_409(client, sent_line, admin):
    case = db.session.get(Case, sent_line.case_id)
    db.session.execute(db.update(Case).where(Case.id == case.id).values(granted_amount=sent_line.amount - 1))
    db.session.commit()
    _c, token = token_for(client, admin, "OPUS", ["payouts:write"])
    resp = _result(client, token, sent_line.id)
    assert resp.status_code == 409 and "bevilgede" in resp.get_json()["detail"]
    db.session.expire_all()
    assert db.session.get(PaymentBatchLine, sent_line.id).status == "sent"


def test_the_staff_journal_names_the_integration(client, granted, admin, auth):
    _c, token = token_for(client, admin, "SBSYS", ["cases:write"])
    client.put(f"/api/v1/cases/{granted.id}/esdh-journal-number", json={"journal_number": "A-1"},
               headers=bearer(token))
    auth.login("mette@kommune.dk")
    page = client.get(f"/sagsbehandling/sager/{granted.id}").get_data(as_text=True)
    assert "ESDH-journalnummer tilknyttet" in page and "integration: SBSYS" in page

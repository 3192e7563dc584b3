"""Applying in one unit of work: a submission commits once, a failure inside it leaves the draft as it was."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Case, CaseEvent, Document, OutboxMessage
from app.services.applying import applications, receipt
from app.services.files import storage as files
from app.services.unit_of_work import use_case

FORM = [("Om aktiviteten", [dict(key="beskrivelse", label="Hvad vil I lave?", kind="long_text", required=True)]),
        ("Bilag", [dict(key="tilbud", label="Budget eller tilbud", kind="file")])]


@pytest.fixture
def draft(factory):
    """A draft with every answer given and one file attached; returns (case id, chair)."""
    today = clock.today()
    chair = factory.user(email="karen@example.dk", name="Karen Holm")
    pool = factory.pool(year=today.year, opens_on=today - timedelta(days=30), deadline=today + timedelta(days=30))
    factory.form_version(pool, FORM)
    association = factory.association(name="Boldklubben Nordstjernen", members=(chair,))
    db.session.commit()
    case = applications.start(pool.id, association.id, chair, today).case
    document = factory.document(case=case, uploaded_by=chair)
    case.data = {"answers": {"projekttitel": "Sommerlejr", "beskrivelse": "En uge i telt.",
                             "tilbud": {"document_id": document.id, "filename": document.filename}}, "step": 2}
    db.session.commit()
    return case.id, chair


def _commits():
    seen: list[int] = []
    sa.event.listen(db.session(), "after_commit", lambda session: seen.append(1))
    return seen


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_submission_commits_once(draft):
    case_id, chair = draft
    seen = _commits()
    case = applications.submit(case_id, chair, None, clock.today())
    assert len(seen) == 1
    assert case.number and _count(CaseEvent) == 1
    assert receipt.receipt_document(case_id) is not None


def test_a_failure_after_the_transition_leaves_the_draft_untouched(draft, monkeypatch):
    case_id, chair = draft
    outbox_before, documents_before = _count(OutboxMessage), _count(Document)

    def broken(case):
        raise RuntimeError("the receipt notice failed")
    monkeypatch.setattr(receipt, "make_receipt_notice", broken)
    with pytest.raises(RuntimeError):
        applications.submit(case_id, chair, None, clock.today())
    case = db.session.get(Case, case_id)
    assert case.state_has("draft") and case.number is None
    assert _count(CaseEvent) == 0 and _count(OutboxMessage) == outbox_before
    assert _count(Document) == documents_before  # the rendered receipt went with the rest


def _stored_file(case_id: int) -> str:
    return db.session.scalar(sa.select(Document.storage_key).where(Document.case_id == case_id))


def test_a_removed_file_is_deleted_only_after_the_commit(draft):
    case_id, chair = draft
    key = _stored_file(case_id)
    version = db.session.get(Case, case_id).version

    @use_case
    def remove_then_fail() -> None:
        applications.remove_file(case_id, chair, version, "tilbud")
        raise LookupError("a later step of the same unit failed")
    with pytest.raises(LookupError):
        remove_then_fail()
    assert files.exists(key) and _stored_file(case_id) == key  # rolled back: row and bytes kept

    applications.remove_file(case_id, chair, version, "tilbud")
    assert _stored_file(case_id) is None and not files.exists(key)

"""The report round trip through the workflow engine, stories, and repayment claims with their letter."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage

from app import clock
from app.extensions import db
from app.models import Case, CaseEvent, CaseReport, Document, OutboxMessage, RepaymentClaim
from app.services.files import storage as files
from app.services.money import repayment, reporting
from tests.reporting.conftest import PDF
from workflows import TransitionNotAllowed


def _pdf(name: str = "regnskab.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(PDF), filename=name, content_type="application/pdf")


def _input(**kw) -> reporting.ReportInput:
    values = dict(activity_text="Vi holdt sommerlejr for 40 børn.", participants={"0_12": 30, "13_18": 10},
                  unused_amount=0)
    values.update(kw)
    return reporting.ReportInput(**values)


def _state(case_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Case, case_id).state


def test_report_round_trip_with_the_engine(world):
    case = world.report_due()
    assert case.state == "report_due"
    reporting.submit_report(case.id, world.member, _input(), _pdf())
    assert _state(case.id) == "reported"
    report = db.session.scalars(sa.select(CaseReport)).one()
    assert (report.participants_0_12, report.participants_13_18, report.participants_total) == (30, 10, 40)
    document = db.session.get(Document, report.accounts_document_id)
    assert document.kind == "accounts" and files.read_bytes(document.storage_key) == PDF
    assert db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.template == "case_update_staff",
                                                               OutboxMessage.payload["case_number"].as_string()
                                                               == case.number)) is not None
    with pytest.raises(reporting.ReportError):
        reporting.review(case.id, "request_more_report", world.caseworker, comment="  ")
    reporting.review(case.id, "request_more_report", world.caseworker, comment="Send bilag for bussen.")
    assert _state(case.id) == "report_due"
    reporting.submit_report(case.id, world.member, _input(activity_text="Bussen kostede 2.000 kr."))  # accounts on file
    reporting.review(case.id, "approve_report", world.caseworker)
    assert _state(case.id) == "closed"
    actions = db.session.scalars(sa.select(CaseEvent.action).where(CaseEvent.case_id == case.id,
                                                                   CaseEvent.kind == "transition")
                                 .order_by(CaseEvent.id)).all()
    assert actions[-5:] == ["request_report", "submit_report", "request_more_report", "submit_report",
                            "approve_report"]
    assert len(reporting.reports(case.id)) == 2


def test_rules_refuse_and_store_nothing(world):
    case = world.report_due(5_000)
    with pytest.raises(reporting.ReportError) as err:
        reporting.submit_report(case.id, world.member, _input(unused_amount=5_001), _pdf())
    assert err.value.code == "unused_too_high"
    with pytest.raises(reporting.ReportError) as err:
        reporting.submit_report(case.id, world.member, _input())  # no accounts yet
    assert err.value.code == "accounts_required"
    other = world.granted(3_000, title="Ikke udbetalt endnu")
    with pytest.raises(TransitionNotAllowed):
        reporting.submit_report(other.id, world.member, _input(), _pdf())
    assert db.session.scalar(sa.select(sa.func.count(CaseReport.id))) == 0
    assert _state(other.id) == "granted"


def test_new_initiative_story_is_public_only_with_consent_after_approval(world):
    case = world.report_due(4_000, pool=world.new_pool, association=world.group, applicant=world.group_member)
    with pytest.raises(reporting.ReportError):
        reporting.submit_report(case.id, world.group_member, _input(), _pdf())  # the story is required
    reporting.submit_report(case.id, world.group_member, _input(story_text="Tre familier mødes nu hver uge.",
                                                                story_consent=True), _pdf())
    assert reporting.published_stories() == []  # not approved yet
    reporting.review(case.id, "approve_report", world.caseworker)
    [story] = reporting.published_stories()
    assert story.story_text == "Tre familier mødes nu hver uge."


def test_story_without_consent_stays_private(world):
    case = world.report_due(4_000, pool=world.new_pool, association=world.group, applicant=world.group_member)
    reporting.submit_report(case.id, world.group_member, _input(story_text="Privat", story_consent=False), _pdf())
    reporting.review(case.id, "approve_report", world.caseworker)
    assert reporting.published_stories() == []


def test_repayment_claim_with_letter_journal_and_notice(world):
    case = world.report_due(10_000)
    reporting.submit_report(case.id, world.member, _input(unused_amount=2_500), _pdf())
    due = clock.today() + timedelta(days=30)
    claim = repayment.create_claim(case.id, world.caseworker, 2_500, "Pengene til bussen blev ikke brugt.", due)
    db.session.expire_all()
    claim = db.session.get(RepaymentClaim, claim.id)
    letter = db.session.get(Document, claim.letter_document_id)
    assert (letter.kind, letter.direction, letter.content_type) == ("letter", "out", "application/pdf")
    data = files.read_bytes(letter.storage_key)
    assert b"pdfaid:part" in data  # archived as PDF/A like the decision letters
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "2.500 kr." in text and "Pengene til bussen blev ikke brugt." in text and case.number in text
    assert db.session.scalar(sa.select(CaseEvent.id).where(CaseEvent.case_id == case.id,
                                                           CaseEvent.action == "repayment_claimed"))
    notice = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "repayment_claim")).one()
    assert notice.payload["amount"] == 2_500 and notice.recipient == world.association.contact_email
    assert repayment.claimable(db.session.get(Case, case.id)) == 7_500
    with pytest.raises(repayment.ClaimError) as err:
        repayment.create_claim(case.id, world.caseworker, 7_501, "For meget", due)
    assert err.value.code == "amount_too_high"
    repayment.settle_claim(claim.id, world.caseworker, "paid")
    assert db.session.get(RepaymentClaim, claim.id).status == "paid"
    with pytest.raises(repayment.ClaimError):
        repayment.settle_claim(claim.id, world.caseworker, "cancelled")


def test_no_claim_before_payment_or_in_the_past(world):
    granted = world.granted(3_000)
    with pytest.raises(repayment.ClaimError) as err:
        repayment.create_claim(granted.id, world.caseworker, 1_000, "x", clock.today())
    assert err.value.code == "state"
    paid = world.report_due(3_000, title="Betalt")
    with pytest.raises(repayment.ClaimError) as err:
        repayment.create_claim(paid.id, world.caseworker, 1_000, "x", clock.today() - timedelta(days=1))
    assert err.value.code == "due_past"
    assert db.session.scalar(sa.select(sa.func.count(RepaymentClaim.id))) == 0


def test_a_claim_is_one_commit_and_a_failure_before_the_end_leaves_no_claim_letter_or_journal(world, monkeypatch):
    case = world.report_due(10_000)
    due = clock.today() + timedelta(days=30)
    seen: list[int] = []
    listener = lambda session: seen.append(1)  # noqa: E731
    sa.event.listen(db.session(), "after_commit", listener)
    try:
        repayment.create_claim(case.id, world.caseworker, 1_000, "Ubrugt tilskud.", due)
    finally:
        sa.event.remove(db.session(), "after_commit", listener)
    assert seen == [1]

    def outbox_down(*args, **kwargs):
        raise RuntimeError("outbox down")
    monkeypatch.setattr(repayment.outbox, "enqueue", outbox_down)
    with pytest.raises(RuntimeError):
        repayment.create_claim(case.id, world.caseworker, 2_000, "Mere ubrugt tilskud.", due)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(RepaymentClaim.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(CaseEvent.id)).where(
        CaseEvent.action == "repayment_claimed")) == 1
    letters = sa.select(sa.func.count(Document.id)).where(Document.description == "Krav om tilbagebetaling")
    assert db.session.scalar(letters) == 1

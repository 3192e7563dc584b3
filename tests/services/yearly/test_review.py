"""The caseworker's review: a question by e-mail, the answer, approval, and § 4 approval decided by the report."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AssociationApproval, AssociationEvent, ConflictDeclaration, OutboxMessage
from app.models.association import ApprovalRequest
from app.services.yearly import reports, review
from tests.services.yearly.conftest import all_files, figures, pdf


@pytest.fixture
def submitted(club, app, campaign):
    association, chair, _treasurer = club
    with app.test_request_context():
        return reports.save(campaign.id, association, chair, figures(statutes_changed=True),
                            {**all_files(), "statutes": pdf("vedtaegter.pdf")}, 0, submit=True)


def _events(action: str) -> list[AssociationEvent]:
    return list(db.session.scalars(sa.select(AssociationEvent).where(AssociationEvent.action == action)))


def test_a_question_goes_by_e_mail_and_the_answer_sends_the_report_back(submitted, caseworker, club, app):
    association, chair, _treasurer = club
    with app.test_request_context():
        review.ask_question(submitted.id, caseworker, "Hvor ligger klubhytten?")
    db.session.expire_all()
    assert submitted.status == "questioned" and submitted.question == "Hvor ligger klubhytten?"
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "annual_report_question"))
    assert mail.recipient == association.contact_email and mail.payload["question"] == "Hvor ligger klubhytten?"
    from app.services.delivery.mail import render_notice
    with app.test_request_context():
        email = render_notice(mail)
    assert "Spørgsmål til jeres årlige indberetning for 2027" in email["Subject"]
    assert "Hvor ligger klubhytten?" in email.get_body().get_content()
    with app.test_request_context(), pytest.raises(reports.ReportInvalid) as refused:
        reports.save(submitted.campaign_id, association, chair, figures(), {}, submitted.version, submit=True)
    assert set(refused.value.errors) == {"answer"}
    first_submission = submitted.submitted_at
    clock.freeze(clock.now() + timedelta(days=40))  # the answer after the deadline does not make it late
    with app.test_request_context():
        report = reports.save(submitted.campaign_id, association, chair, figures(answer="Ved skolen."), {},
                              submitted.version, submit=True)
    assert report.status == "submitted" and report.answer == "Ved skolen."
    assert report.submitted_at == first_submission and reports.months_late(report) == 0
    assert len(_events("annual_report_questioned")) == 1 and len(_events("annual_report_answered")) == 1


def test_approval_with_section_4_met_approves_the_association_for_the_year(submitted, caseworker, club, app):
    association = club[0]
    pending = ApprovalRequest(association_id=association.id, year=2027)
    db.session.add(pending)
    db.session.commit()
    with app.test_request_context():
        outcome = review.approve(submitted.id, caseworker)
    assert outcome.problems == () and outcome.approval.year == 2027
    db.session.expire_all()
    assert submitted.status == "approved" and submitted.approved_by_id == caseworker.id
    assert db.session.scalar(sa.select(AssociationApproval.year)) == 2027
    assert db.session.get(ApprovalRequest, pending.id).status == "approved"
    assert [e.action for e in db.session.scalars(sa.select(AssociationEvent).order_by(AssociationEvent.id))][-2:] == \
        ["annual_report_approved", "approval_granted"]
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "approval_decided"))
    assert mail.payload["approved"] is True and mail.payload["appeal"] == ""


def test_too_few_paying_members_approves_the_report_but_not_the_association(club, app, campaign, caseworker):
    association, chair, _treasurer = club
    with app.test_request_context():
        report = reports.save(campaign.id, association, chair, figures(paying_members=4), all_files(), 0, submit=True)
        outcome = review.approve(report.id, caseworker)
    assert outcome.approval is None and report.status == "approved"
    reasons = " ".join(str(p) for p in outcome.problems)
    assert "4 betalende medlemmer" in reasons and "vedtægter" in reasons
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssociationApproval)) == 0
    assert _events("approval_not_given")[0].data["year"] == 2027
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "approval_decided"))
    assert mail.payload["approved"] is False and mail.payload["appeal"]  # a refusal carries appeal guidance


def test_statutes_checked_at_an_earlier_approval_count(club, app, campaign, caseworker, factory):
    association, chair, _treasurer = club
    factory.AssociationApprovalFactory(association=association, year=2026)
    db.session.commit()
    with app.test_request_context():
        report = reports.save(campaign.id, association, chair, figures(), all_files(), 0, submit=True)
    assert review.section4_problems(report) == []


def test_an_inhabil_caseworker_may_not_review(submitted, caseworker, club, app, factory):
    pool = factory.pool()
    case = factory.CaseFactory(pool=pool, association=club[0])
    db.session.add(ConflictDeclaration(case_id=case.id, user_id=caseworker.id, reason="Min bror er formand"))
    db.session.commit()
    with app.test_request_context(), pytest.raises(reports.ReportRefused) as refused:
        review.approve(submitted.id, caseworker)
    assert "inhabil" in str(refused.value.message)
    db.session.expire_all()
    assert submitted.status == "submitted" and not _events("annual_report_approved")


def test_a_draft_cannot_be_approved_and_a_member_cannot_review(club, app, campaign, caseworker):
    association, chair, _treasurer = club
    with app.test_request_context():
        draft = reports.save(campaign.id, association, chair, figures(), {}, 0)
        with pytest.raises(reports.ReportRefused):
            review.approve(draft.id, caseworker)
        with pytest.raises(reports.ReportRefused):
            review.ask_question(draft.id, chair, "?")


def test_two_caseworkers_at_once_the_second_is_told(submitted, caseworker, app, factory):
    other = factory.CaseworkerFactory()
    db.session.commit()
    shown = submitted.version
    with app.test_request_context():
        review.approve(submitted.id, caseworker, expected_version=shown)
        with pytest.raises(reports.StaleReport):
            review.ask_question(submitted.id, other, "Mangler noget?", expected_version=shown)

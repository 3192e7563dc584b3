"""The board's annual report: a shared draft, checked whole (nothing half-saved), submitted, late by months."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AssociationEvent, Document
from app.models.yearly import AnnualReport
from app.services.yearly import reports
from app.services.yearly.formula import started_months_late
from tests.services.yearly.conftest import all_files, figures, pdf


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _actions(association_id: int) -> list[str]:
    return list(db.session.scalars(sa.select(AssociationEvent.action).where(
        AssociationEvent.association_id == association_id).order_by(AssociationEvent.id)))


def test_the_board_shares_one_draft_and_submits_it_with_its_documents(club, app, campaign):
    association, chair, treasurer = club
    with app.test_request_context():
        report = reports.save(campaign.id, association, chair, figures(), {}, 0)
        assert report.status == "draft" and report.total_members == 12
        again = reports.save(report.campaign_id, association, treasurer, figures(paying_members=9), all_files(),
                             report.version, submit=True)
    assert again.id == report.id and again.status == "submitted" and again.paying_members == 9
    assert again.submitted_by_id == treasurer.id and again.accounts_document_id and again.auditor_document_id
    assert _count(AnnualReport) == 1 and _count(Document) == 2
    assert _actions(association.id) == ["annual_report_started", "annual_report_submitted"]
    assert reports.months_late(again) == 0


def reports_campaign() -> int:
    from app.models.yearly import ReportingCampaign
    return db.session.scalar(sa.select(ReportingCampaign.id))


@pytest.mark.parametrize("changes, field, words", [
    ({"paying_members": -1}, "paying_members", "negativt"),
    ({"members": {"7_12": {"in": -3}}}, "members_7_12_in", "negativt"),
    ({"premises_costs": {"rent": -100}}, "cost_rent", "negativt"),
    ({"paying_members": 13}, "paying_members", "flere betalende medlemmer (13) end medlemmer i alt (12)"),
    ({"accounts_result": 4_000}, "accounts_result", "Regnskabet hænger ikke sammen"),
    ({"accounts_approved_on": date(2027, 3, 11)}, "accounts_approved_on", "fremtiden"),
])
def test_bad_figures_are_refused_next_to_their_field_and_nothing_is_saved(club, app, changes, field, words):
    association, chair, _treasurer = club
    with app.test_request_context(), pytest.raises(reports.ReportInvalid) as refused:
        reports.save(reports_campaign(), association, chair, figures(**changes), all_files(), 0, submit=True)
    assert words in str(refused.value.errors[field])
    assert (_count(AnnualReport), _count(Document), _count(AssociationEvent)) == (0, 0, 0)


def test_submission_needs_the_accounts_the_auditor_and_new_statutes(club, app):
    association, chair, _treasurer = club
    with app.test_request_context(), pytest.raises(reports.ReportInvalid) as refused:
        reports.save(reports_campaign(), association, chair, figures(statutes_changed=True), {}, 0, submit=True)
    assert set(refused.value.errors) == {"accounts_file", "auditor_file", "statutes_file"}
    with app.test_request_context():  # a draft may be saved without them
        report = reports.save(reports_campaign(), association, chair, figures(statutes_changed=True), {}, 0)
    assert report.status == "draft"


def test_a_file_that_is_not_a_pdf_is_refused(club, app):
    import io
    from werkzeug.datastructures import FileStorage
    association, chair, _treasurer = club
    text = FileStorage(io.BytesIO(b"bare tekst"), filename="regnskab.txt")
    with app.test_request_context(), pytest.raises(reports.ReportInvalid) as refused:
        reports.save(reports_campaign(), association, chair, figures(), {"accounts": text, "auditor": pdf()}, 0)
    assert "PDF" in str(refused.value.errors["accounts_file"]) and _count(Document) == 0


def test_a_stale_form_is_refused_and_the_other_members_save_stays(club, app):
    association, chair, treasurer = club
    with app.test_request_context():
        report = reports.save(reports_campaign(), association, chair, figures(), {}, 0)
        shown = report.version
        reports.save(report.campaign_id, association, treasurer, figures(fee_income=1), {}, shown)
        with pytest.raises(reports.StaleReport):
            reports.save(report.campaign_id, association, chair, figures(fee_income=2), {}, shown)
        with pytest.raises(reports.StaleReport):  # a second board member who started from an empty form
            reports.save(report.campaign_id, association, chair, figures(fee_income=3), {}, 0)
    db.session.expire_all()
    assert db.session.get(AnnualReport, report.id).fee_income == 1


def test_only_the_board_reports(club, app, factory):
    association, _chair, _treasurer = club
    outsider = factory.user()
    db.session.commit()
    with app.test_request_context(), pytest.raises(reports.ReportRefused):
        reports.save(reports_campaign(), association, outsider, figures(), {}, 0)
    assert _count(AnnualReport) == 0


def test_a_closed_campaign_takes_no_report(club, app, campaign):
    campaign.status = "closed"
    db.session.commit()
    with app.test_request_context(), pytest.raises(reports.ReportRefused):
        reports.save(campaign.id, club[0], club[1], figures(), {}, 0)


def test_a_late_report_counts_started_months_after_the_deadline(club, app, campaign):
    clock.freeze(datetime(2027, 5, 2, 12, 0))  # deadline 1 April: 1 month and a day after it
    with app.test_request_context():
        report = reports.save(campaign.id, club[0], club[1], figures(), all_files(), 0, submit=True)
    assert reports.months_late(report) == 2
    event = db.session.scalar(sa.select(AssociationEvent).where(AssociationEvent.action == "annual_report_submitted"))
    assert event.data["months_late"] == 2


@pytest.mark.parametrize("day, months", [
    (date(2027, 4, 1), 0), (date(2027, 4, 2), 1), (date(2027, 5, 1), 1), (date(2027, 5, 2), 2),
    (date(2028, 4, 2), 13)])
def test_late_months(day, months):
    assert started_months_late(date(2027, 4, 1), day) == months

"""The association's side: its years with their history, the shared report form, and the receipt."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import get_membership_or_404, get_or_404, member_associations
from app.annual import bp
from app.annual.forms import ReportForm, fill, report_input
from app.annual.presenters import MEMBER_STATUS, STATUS_BADGE, lateness, year_heading
from app.auth.access import require_member
from app.extensions import db
from app.models.yearly import COST_TYPES, MEMBER_BANDS, RESIDENCES, AnnualReport, ReportingCampaign
from app.portal.presenters import journal_line
from app.services.files import attachments
from app.services.yearly import campaigns, reports


@bp.route("/forening")
@require_member
def member_home():
    associations = [a for a in member_associations() if not a.is_informal]
    rows = [(a, c, reports.find(c.id, a.id)) for a in associations for c in campaigns.open_campaigns()]
    return render_template("annual/member_home.html", associations=associations, rows=rows,
                           status=MEMBER_STATUS, badge=STATUS_BADGE, heading=year_heading)


@bp.route("/forening/<int:association_id>")
@require_member
def association_years(association_id: int):
    association = get_membership_or_404(association_id).association
    history = reports.history(association.id)
    journals = {r.id: reports.journal(association.id, r.campaign.year) for r in history}
    reported = {r.campaign_id for r in history}
    waiting = [c for c in campaigns.open_campaigns() if c.id not in reported]
    return render_template("annual/association_years.html", association=association, history=history,
                           journals=journals, waiting=waiting, status=MEMBER_STATUS, badge=STATUS_BADGE,
                           heading=year_heading, journal_line=journal_line)


def _render(association, campaign, report, form, status: int = 200):
    editable = report is None or report.status in reports.EDITABLE
    return render_template(
        "annual/report_form.html", association=association, campaign=campaign, report=report, form=form,
        editable=editable and campaign.status == "open", bands=MEMBER_BANDS, residences=RESIDENCES,
        costs=COST_TYPES, rows=range(reports.ACTIVITY_ROWS), late=lateness(campaign, report),
        heading=year_heading(campaign), status=MEMBER_STATUS, badge=STATUS_BADGE,
        max_size=attachments.size_label(attachments.max_bytes())), status


@bp.route("/forening/<int:association_id>/<int:campaign_id>", methods=["GET", "POST"])
@require_member
def report_form(association_id: int, campaign_id: int):
    association = get_membership_or_404(association_id).association
    if association.is_informal:
        abort(404)
    campaign = get_or_404(ReportingCampaign, campaign_id)
    report = reports.find(campaign.id, association.id)
    form = ReportForm()
    if request.method == "GET":
        if report is not None:
            fill(form, report)
        form.version.data = str(report.version if report else 0)
        return _render(association, campaign, report, form)
    if not form.validate_on_submit():
        return _render(association, campaign, report, form, 400)
    return _save(association, campaign, form, submit=request.form.get("action") == "submit")


def _save(association, campaign, form: ReportForm, submit: bool):
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    files = {stem: request.files.get(f"{stem}_file") for stem in reports.FILES}
    try:
        reports.save(campaign.id, association, current_user, report_input(form), files, version, submit)
    except reports.ReportInvalid as exc:
        for name, message in exc.errors.items():
            form[name].errors = [message]
    except reports.ReportRefused as exc:
        flash(str(exc.message), "error")
    except reports.StaleReport:
        current = reports.find(campaign.id, association.id)
        form.version.data = str(current.version if current else 0)
        flash(_("Indberetningen er ændret af en anden i bestyrelsen, mens du skrev. Det, du skrev, står stadig "
                "herunder; tjek det mod den gemte udgave, og gem igen. Vedhæftede filer skal vælges igen."), "error")
    else:
        if submit:
            flash(_("Tak! Indberetningen er sendt til kommunen."), "success")
            return redirect(url_for("annual.receipt", association_id=association.id, campaign_id=campaign.id))
        flash(_("Kladden er gemt. Alle i bestyrelsen kan se og rette den."), "success")
        return redirect(url_for("annual.report_form", association_id=association.id, campaign_id=campaign.id))
    return _render(association, campaign, reports.find(campaign.id, association.id), form, 400)


@bp.route("/forening/<int:association_id>/<int:campaign_id>/kvittering")
@require_member
def receipt(association_id: int, campaign_id: int):
    association = get_membership_or_404(association_id).association
    campaign = get_or_404(ReportingCampaign, campaign_id)
    report = db.session.scalar(db.select(AnnualReport).where(
        AnnualReport.campaign_id == campaign.id, AnnualReport.association_id == association.id,
        AnnualReport.status != "draft"))
    if report is None:
        abort(404)
    return render_template("annual/receipt.html", association=association, campaign=campaign, report=report,
                           heading=year_heading(campaign), late=lateness(campaign, report), status=MEMBER_STATUS,
                           badge=STATUS_BADGE, bands=MEMBER_BANDS, residences=RESIDENCES, costs=COST_TYPES,
                           document_endpoint="portal.document")

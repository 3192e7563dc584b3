"""The caseworker's side (reports of a campaign, review, question, approval) and the administrator's campaigns."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import get_or_404
from app.annual import bp
from app.annual.forms import ApproveForm, CampaignForm, ConfirmForm, ConflictForm, NewCampaignForm, QuestionForm
from app.annual.presenters import STAFF_STATUS, STATUS_BADGE, lateness, year_heading
from app.auth.access import require_admin, require_caseworker
from app.models.yearly import COST_TYPES, MEMBER_BANDS, REPORT_STATUSES, RESIDENCES, AnnualReport, ReportingCampaign
from app.portal.presenters import journal_line
from app.services.yearly import campaigns, reports, review

PAGE = 50


@bp.route("/kampagner")
@require_caseworker
def campaigns_index():
    return render_template("annual/campaigns.html", campaigns=campaigns.campaigns(), heading=year_heading,
                           confirm=ConfirmForm())


def _campaign_form(form: CampaignForm, campaign: ReportingCampaign | None, status: int = 200):
    return render_template("annual/campaign_form.html", form=form, campaign=campaign), status


@bp.route("/kampagner/ny", methods=["GET", "POST"])
@require_admin
def campaign_new():
    form = NewCampaignForm()
    if not form.validate_on_submit():
        return _campaign_form(form, None, 400 if request.method == "POST" else 200)
    try:
        campaign = campaigns.open_campaign(current_user, form.to_input(form.year.data))
    except campaigns.CampaignInvalid as exc:
        for name, message in exc.errors.items():
            form[name].errors = [message]
        return _campaign_form(form, None, 400)
    flash(_("Indberetningen for tilskudsåret %(year)s er åbnet.", year=campaign.year), "success")
    return redirect(url_for("annual.campaigns_index"))


@bp.route("/kampagner/<int:campaign_id>", methods=["GET", "POST"])
@require_admin
def campaign_edit(campaign_id: int):
    campaign = get_or_404(ReportingCampaign, campaign_id)
    form = CampaignForm(obj=campaign) if request.method == "GET" else CampaignForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _campaign_form(form, campaign, 400 if request.method == "POST" else 200)
    try:
        campaigns.update_campaign(campaign.id, current_user, form.to_input(campaign.year))
    except campaigns.CampaignInvalid as exc:
        for name, message in exc.errors.items():
            form[name].errors = [message]
        return _campaign_form(form, campaign, 400)
    flash(_("Indberetningen er gemt."), "success")
    return redirect(url_for("annual.campaigns_index"))


@bp.route("/kampagner/<int:campaign_id>/status", methods=["POST"])
@require_admin
def campaign_status(campaign_id: int):
    campaign = get_or_404(ReportingCampaign, campaign_id)
    status = request.form.get("status")
    if not ConfirmForm().validate_on_submit() or status not in ("open", "closed"):
        flash(_("Vælg, om indberetningen skal lukkes eller åbnes."), "error")
    else:
        campaigns.set_status(campaign.id, current_user, status)
        flash(_("Indberetningen er lukket.") if status == "closed" else _("Indberetningen er åbnet igen."), "success")
    return redirect(url_for("annual.campaigns_index"))


@bp.route("/kampagner/<int:campaign_id>/indberetninger")
@require_caseworker
def staff_list(campaign_id: int):
    campaign = get_or_404(ReportingCampaign, campaign_id)
    status = request.args.get("status") if request.args.get("status") in REPORT_STATUSES else None
    after = request.args.get("efter", type=int) or 0
    rows = reports.campaign_reports(campaign.id, status, after, PAGE + 1)
    return render_template("annual/staff_list.html", campaign=campaign, rows=rows[:PAGE],
                           next_after=rows[PAGE - 1].id if len(rows) > PAGE else None, filter=status,
                           statuses=REPORT_STATUSES, status=STAFF_STATUS, badge=STATUS_BADGE,
                           heading=year_heading(campaign), months_late=reports.months_late)


def _submitted(report: AnnualReport) -> bool:
    """Staff see a report once it is sent: a draft is the association's own."""
    return report.status != "draft"


def _review_page(report: AnnualReport, question: QuestionForm | None = None, approve: ApproveForm | None = None,
                 status: int = 200, conflict: ConflictForm | None = None):
    question = question or QuestionForm(formdata=None, prefix="question", version=str(report.version))
    conflict = conflict or ConflictForm(formdata=None, prefix="conflict")
    approve = approve or ApproveForm(formdata=None, prefix="approve", version=str(report.version))
    campaign = report.campaign
    return render_template(
        "annual/review.html", report=report, campaign=campaign, heading=year_heading(campaign),
        late=lateness(campaign, report), problems=review.section4_problems(report),
        inhabil=review.inhabil_for(report.association_id, current_user), question_form=question,
        approve_form=approve, conflict_form=conflict, status=STAFF_STATUS, badge=STATUS_BADGE, bands=MEMBER_BANDS, residences=RESIDENCES,
        costs=COST_TYPES, document_endpoint="staff.document", journal=reports.journal(report.association_id,
                                                                                      campaign.year),
        journal_line=journal_line), status


@bp.route("/indberetninger/<int:report_id>")
@require_caseworker
def review_report(report_id: int):
    return _review_page(get_or_404(AnnualReport, report_id, _submitted))


def _version(form) -> int | None:
    return int(form.version.data) if (form.version.data or "").isdigit() else None


@bp.route("/indberetninger/<int:report_id>/spoerg", methods=["POST"])
@require_caseworker
def ask(report_id: int):
    report = get_or_404(AnnualReport, report_id, _submitted)
    form = QuestionForm(prefix="question")
    if not form.validate_on_submit():
        return _review_page(report, question=form, status=400)
    try:
        review.ask_question(report.id, current_user, form.question.data, _version(form))
    except reports.ReportRefused as exc:
        flash(str(exc.message), "error")
    except reports.StaleReport:
        flash(_("Indberetningen er ændret, siden du åbnede den. Se den nye udgave, før du spørger."), "error")
    else:
        flash(_("Spørgsmålet er sendt til foreningen på e-mail."), "success")
    return redirect(url_for("annual.review_report", report_id=report.id))


@bp.route("/indberetninger/<int:report_id>/inhabil", methods=["POST"])
@require_caseworker
def declare_conflict(report_id: int):
    report = get_or_404(AnnualReport, report_id, _submitted)
    form = ConflictForm(prefix="conflict")
    if not form.validate_on_submit():
        return _review_page(report, conflict=form, status=400)
    try:
        review.declare_conflict(report.id, current_user, form.reason.data)
    except reports.ReportRefused as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("Du er nu erklæret inhabil i forhold til %(association)s og kan ikke behandle foreningens "
                "indberetning eller sager.", association=report.association.name), "success")
    return redirect(url_for("annual.review_report", report_id=report.id))


@bp.route("/indberetninger/<int:report_id>/godkend", methods=["POST"])
@require_caseworker
def approve(report_id: int):
    report = get_or_404(AnnualReport, report_id, _submitted)
    form = ApproveForm(prefix="approve")
    if not form.validate_on_submit():
        return _review_page(report, approve=form, status=400)
    try:
        outcome = review.approve(report.id, current_user, form.note.data or "", _version(form))
    except reports.ReportRefused as exc:
        flash(str(exc.message), "error")
    except reports.StaleReport:
        flash(_("Indberetningen er ændret, siden du åbnede den. Se den nye udgave, før du godkender."), "error")
    else:
        if outcome.approval is not None:
            flash(_("Indberetningen er godkendt, og foreningen er godkendt som folkeoplysende forening for "
                    "%(year)s.", year=report.campaign.year), "success")
        else:
            flash(_("Indberetningen er godkendt, men foreningen er ikke godkendt som folkeoplysende forening for "
                    "%(year)s: %(reasons)s", year=report.campaign.year,
                    reasons=" ".join(str(p) for p in outcome.problems)), "warning")
    return redirect(url_for("annual.review_report", report_id=report.id))

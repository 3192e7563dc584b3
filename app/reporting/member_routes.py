"""The association's side: the list of reports due, the report form, and repayment letters."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from app.access import get_or_404, on_board
from app.auth.access import require_member
from app.extensions import db
from app.models import Case, RepaymentClaim
from app.models.report import AGE_BANDS
from app.reporting import bp
from app.reporting.forms import ReportForm
from app.services.files import attachments
from app.services.money import reporting, repayment
from app.services.cases import transitions
from workflows import TransitionNotAllowed

FIELD_ERRORS = {
    "unused_too_high": ("unused_amount", _l("Beløbet kan ikke være større end det bevilgede beløb.")),
    "story_required": ("story_text", _l("Skriv jeres historie – et par linjer om, hvad initiativet har betydet.")),
    "accounts_required": ("accounts", _l("Vedhæft regnskabet for det, I fik tilskud til.")),
}


@bp.route("/forening/afrapportering")
@require_member
def member_list():
    return render_template("reporting/member_list.html", cases=reporting.member_cases(current_user))


def _render(case: Case, form: ReportForm, status: int = 200):
    return render_template(
        "reporting/member_report.html", case=case, form=form, bands=AGE_BANDS, reports=reporting.reports(case.id),
        can_report=case.state_has("report_requested"), needs_story=reporting.needs_story(case),
        claims=repayment.claims(case.id), max_size=attachments.size_label(attachments.max_bytes())), status


@bp.route("/forening/sager/<int:case_id>/afrapportering", methods=["GET", "POST"])
@require_member
def member_report(case_id: int):
    case = get_or_404(Case, case_id, on_board)
    form = ReportForm()
    if request.method == "GET":
        form.version.data = str(case.version)
        return _render(case, form)
    if not form.validate_on_submit():
        return _render(case, form, 400)
    return _submit(case, form)


def _input(form: ReportForm) -> reporting.ReportInput:
    return reporting.ReportInput(
        activity_text=form.activity_text.data, unused_amount=form.unused_amount.data or 0,
        participants={band: getattr(form, f"participants_{band}").data or 0 for band, _label in AGE_BANDS},
        story_text=form.story_text.data, story_consent=form.story_consent.data)


def _submit(case: Case, form: ReportForm):
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    try:
        reporting.submit_report(case.id, current_user, _input(form), request.files.get(form.accounts.name),
                                expected_version=version)
    except reporting.ReportError as exc:
        name, message = FIELD_ERRORS[exc.code]
        getattr(form, name).errors = [message]
    except attachments.AttachmentRejected as exc:
        form.accounts.errors = [exc.message]
    except transitions.StaleCase:
        form.version.data = str(db.session.get(Case, case.id).version)
        flash(_("Sagen er blevet ændret, mens I skrev. Se den nye status, og send afrapporteringen igen."), "error")
    except TransitionNotAllowed:
        flash(_("Sagen venter ikke på en afrapportering lige nu, så den blev ikke sendt. Kontakt sagsbehandleren."),
              "error")
    else:
        flash(_("Tak! Jeres afrapportering er sendt til kommunen."), "success")
        return redirect(url_for("reporting.member_report", case_id=case.id))
    return _render(db.session.get(Case, case.id), form, 400)


@bp.route("/forening/sager/<int:case_id>/tilbagebetaling/<int:claim_id>/brev")
@require_member
def member_letter(case_id: int, claim_id: int):
    case = get_or_404(Case, case_id, on_board)
    claim = db.session.get(RepaymentClaim, claim_id)
    if claim is None or claim.case_id != case.id or claim.letter_document is None:
        abort(404)
    return attachments.send_document(claim.letter_document)

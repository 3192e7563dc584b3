"""The caseworker's side: report lists, reading a report, approving or asking for more, repayment claims."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from app import clock
from app.access import get_or_404, staff_may_see
from app.auth.access import require_caseworker
from app.case_changes import seen_posted, stale_message
from app.extensions import db
from app.models import Case, RepaymentClaim
from app.models.report import AGE_BANDS
from app.reporting import bp
from app.reporting.forms import ClaimForm, ConfirmForm, ReviewForm
from app.services.journals import read_log
from app.services.money import reporting, repayment
from app.services.cases import transitions
from app.services.cases.guard import NotAllowed
from workflows import TransitionNotAllowed

CLAIM_ERRORS = {
    "state": ("amount", _l("Der kan kun kræves penge tilbage, når tilskuddet er udbetalt.")),
    "amount_positive": ("amount", _l("Beløbet skal være mindst 1 kr.")),
    "amount_too_high": ("amount", _l("Beløbet er større end det, der kan kræves tilbage (bevillingen minus "
                                     "tidligere krav).")),
    "reason_required": ("reason", _l("Skriv, hvorfor pengene skal betales tilbage.")),
    "due_past": ("due_on", _l("Fristen kan ikke ligge før i dag.")),
    "missing": ("amount", _l("Sagen findes ikke længere.")),
}


@bp.route("/afrapporteringer/")
@require_caseworker
def staff_list():
    today = clock.today()
    return render_template("reporting/staff_list.html", lists=reporting.staff_lists(today), today=today)


def _render(case: Case, review: ReviewForm | None = None, claim: ClaimForm | None = None, status: int = 200):
    actions, _blocked = transitions.offered_actions(case, current_user)
    review = review or ReviewForm(version=str(case.version))
    return render_template(
        "reporting/staff_case.html", case=case, reports=reporting.reports(case.id), bands=AGE_BANDS,
        actions=[t for t in actions if t.action in reporting.REVIEW_ACTIONS], review=review,
        claim_form=claim or ClaimForm(), claims=repayment.claims(case.id), claimable=repayment.claimable(case),
        can_claim=repayment.may_claim(case), confirm=ConfirmForm()), status


@bp.route("/afrapporteringer/sager/<int:case_id>")
@require_caseworker
def staff_case(case_id: int):
    case = get_or_404(Case, case_id, staff_may_see)
    read_log.read_case(current_user, case)
    return _render(case)


@bp.route("/afrapporteringer/sager/<int:case_id>/handling", methods=["POST"])
@require_caseworker
def staff_action(case_id: int):
    case = get_or_404(Case, case_id, staff_may_see)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _render(case, form, status=400)
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    action = (request.form.get("action") or "")[:60]
    try:
        reporting.review(case.id, action, current_user, expected_version=version, comment=form.comment.data)
    except reporting.ReportError as exc:
        form.comment.errors = [_("Skriv, hvad foreningen skal uddybe.") if exc.code == "comment_required"
                               else _("Vælg en af handlingerne.")]
        return _render(case, form, status=400)
    except transitions.StaleCase:
        flash(stale_message(db.session.get(Case, case.id), seen_posted()), "error")
    except TransitionNotAllowed as exc:
        flash(_(exc.reason, **{key: _(value) for key, value in exc.params.items()}), "error")
    else:
        flash(_("Handlingen er udført."), "success")
    return redirect(url_for("reporting.staff_case", case_id=case.id))


@bp.route("/afrapporteringer/sager/<int:case_id>/tilbagebetaling", methods=["POST"])
@require_caseworker
def create_claim(case_id: int):
    case = get_or_404(Case, case_id, staff_may_see)
    form = ClaimForm()
    if not form.validate_on_submit():
        return _render(case, claim=form, status=400)
    try:
        repayment.create_claim(case.id, current_user, form.amount.data, form.reason.data, form.due_on.data)
    except repayment.ClaimError as exc:
        name, message = CLAIM_ERRORS.get(exc.code, CLAIM_ERRORS["missing"])
        getattr(form, name).errors = [message]
        return _render(db.session.get(Case, case.id), claim=form, status=400)
    except NotAllowed as exc:
        flash(exc.message, "error")
        return _render(db.session.get(Case, case.id), claim=form, status=403)
    flash(_("Kravet er oprettet, brevet er lagt på sagen, og foreningen har fået besked."), "success")
    return redirect(url_for("reporting.staff_case", case_id=case.id))


@bp.route("/afrapporteringer/krav/<int:claim_id>/<any(betalt, annuller):step>", methods=["POST"])
@require_caseworker
def settle_claim(claim_id: int, step: str):
    claim = get_or_404(RepaymentClaim, claim_id)
    case = get_or_404(Case, claim.case_id, staff_may_see)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        repayment.settle_claim(claim.id, current_user, "paid" if step == "betalt" else "cancelled")
    except repayment.ClaimError:
        flash(_("Kravet er allerede afsluttet."), "error")
    except NotAllowed as exc:
        flash(exc.message, "error")
    else:
        flash(_("Kravet er registreret som betalt.") if step == "betalt" else _("Kravet er annulleret."), "success")
    return redirect(url_for("reporting.staff_case", case_id=case.id))

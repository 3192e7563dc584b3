"""A case's decisions and their letters for staff, and "Ret afgørelse": a correction with a new letter."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import require_caseworker
from app.cases_access import get_case_for_staff_or_404
from app.committee import bp
from app.committee.access import get_decision_or_404
from app.committee.forms import CorrectionForm
from app.extensions import db
from app.models import Case, Decision, Document
from app.services import decisions, read_log
from app.services.case_guard import NotAllowed
from app.services.transitions import CaseNotFound, StaleCase


def _history(case: Case) -> tuple[list[Decision], dict[int, Document], set[int]]:
    rows = db.session.scalars(db.select(Decision).where(Decision.case_id == case.id)
                              .options(db.joinedload(Decision.decided_by)).order_by(Decision.id)).all()
    ids = [d.letter_document_id for d in rows if d.letter_document_id]
    letters = {d.id: d for d in db.session.scalars(db.select(Document).where(Document.id.in_(ids)))} if ids else {}
    corrected = {d.corrects_id for d in rows if d.corrects_id}
    return list(rows), letters, corrected


@bp.route("/sager/<int:case_id>/afgoerelser")
@require_caseworker
def case_decisions(case_id: int):
    case = get_case_for_staff_or_404(case_id)
    read_log.read_case(current_user, case)
    rows, letters, corrected = _history(case)
    return render_template("committee/decisions.html", case=case, decisions=rows, letters=letters,
                           corrected=corrected)


def _render_correction(decision: Decision, form: CorrectionForm, status: int = 200):
    rows, letters, corrected = _history(decision.case)
    return render_template("committee/correction.html", decision=decision, case=decision.case, form=form,
                           letters=letters, corrected=decision.id in corrected), status


@bp.route("/afgoerelser/<int:decision_id>/ret", methods=["GET", "POST"])
@require_caseworker
def correct_decision(decision_id: int):
    decision = get_decision_or_404(decision_id)
    get_case_for_staff_or_404(decision.case_id)
    form = CorrectionForm(data={"reason": decision.reason, "amount": decision.amount})
    if not form.is_submitted():
        return _render_correction(decision, form)
    if not form.validate():
        return _render_correction(decision, form, 400)
    try:
        new = decisions.correct_decision(decision.id, current_user, note=form.note.data,
                                         reason=form.reason.data or "", amount=form.amount.data)
    except (NotAllowed, StaleCase, CaseNotFound) as exc:
        db.session.rollback()
        flash(str(getattr(exc, "message", "")) or _("Sagen er ændret af en anden. Prøv igen."), "error")
        return _render_correction(get_decision_or_404(decision_id), form, 409)
    flash(_("Afgørelsen er rettet. Det nye brev sendes til foreningen."), "success")
    return redirect(url_for("committee.case_decisions", case_id=new.case_id))

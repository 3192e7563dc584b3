"""Deciding with care: the letter a decision would send, shown before anything is saved or sent."""
from __future__ import annotations

import io

from flask import abort, flash, render_template, request, send_file
from flask_login import current_user

from app.access import get_or_404, staff_may_see
from app.auth.access import require_staff
from app.extensions import db
from app.models import Case
from app.services.committee import letter_preview
from app.staff import bp, decision_page
from app.staff.case_page import render_case
from app.staff.case_routes import REFUSALS, given_input, refusal_message, refused_input, typed_action


def _preview(case: Case):
    """(typed input, preview, None), or (typed input, None, message) when refused (errors are in the input)."""
    typed = typed_action(case)
    if not decision_page.is_decision(case, typed.action):
        abort(400)
    if typed.errors:
        return typed, None, None
    try:
        preview = letter_preview.preview_decision(case.id, typed.action, current_user,
                                                  expected_version=request.form.get("version", type=int),
                                                  given=given_input(typed))
    except REFUSALS as exc:
        return typed, None, refusal_message(case, typed, exc)
    return typed, preview, None


@bp.route("/sager/<int:case_id>/afgoerelse", methods=["POST"])
@require_staff
def decision_preview(case_id: int):
    """Step 2 of a decision: the letter as it will be sent, and a button that names amount and recipient."""
    case = get_or_404(Case, case_id, staff_may_see)
    if "edit" in request.form:  # back to the form, with everything typed
        return render_case(case, 200, action_input=typed_action(case))
    typed, preview, message = _preview(case)
    if preview is None:
        return _refused(case, typed, message)
    case = get_or_404(Case, case_id, staff_may_see)  # as stored: the rehearsal was rolled back
    return render_template("staff/decision_preview.html", case=case, typed=typed, preview=preview,
                           pages=[decision_page.reflow(p) for p in preview.text.split("\n\n") if p.strip()],
                           confirm=decision_page.confirm_label(case, preview),
                           seen=request.form.get("seen", ""), version=request.form.get("version", ""))


@bp.route("/sager/<int:case_id>/afgoerelse/brev.pdf", methods=["POST"])
@require_staff
def decision_preview_pdf(case_id: int):
    """The previewed letter as the PDF that would be sent (marked by nothing: it is the real rendering)."""
    case = get_or_404(Case, case_id, staff_may_see)
    typed, preview, message = _preview(case)
    if preview is None:
        return _refused(case, typed, message)
    response = send_file(io.BytesIO(preview.pdf), mimetype="application/pdf", as_attachment=False,
                         download_name=f"udkast-afgoerelse-{case.number or case.id}.pdf", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _refused(case: Case, typed, message: str | None):
    if message is None:
        return refused_input(case, typed)
    db.session.expire_all()
    flash(message, "error")
    return render_case(get_or_404(Case, case.id, staff_may_see), 409, action_input=typed)

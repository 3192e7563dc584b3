"""A case's decisions and their letters for staff, and "Ret afgørelse": a correction with a new letter."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import get_or_404, staff_may_see
from app.auth.access import require_caseworker
from app.case_changes import seen_posted, stale_message
from app.committee import bp
from app.committee.forms import ApprovalAnswerForm, CorrectionForm
from app.extensions import db
from app.models import Case, Decision, Document, MoneyApproval
from app.services.cases.guard import NotAllowed
from app.services.cases.transitions import CaseNotFound, StaleCase
from app.services.committee import decisions, digital_post
from app.services.journals import read_log
from app.services.pools import limits


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
    case = get_or_404(Case, case_id, staff_may_see)
    read_log.read_case(current_user, case)
    rows, letters, corrected = _history(case)
    return render_template("committee/decisions.html", case=case, decisions=rows, letters=letters,
                           corrected=corrected, pending=decisions.pending_corrections(case.id),
                           appeal_deadlines={d.id: digital_post.appeal_deadline(d) for d in rows},
                           answer_form=ApprovalAnswerForm())


def _render_correction(decision: Decision, form: CorrectionForm, status: int = 200):
    rows, letters, corrected = _history(decision.case)
    return render_template("committee/correction.html", decision=decision, case=decision.case, form=form,
                           letters=letters, corrected=decision.id in corrected), status


@bp.route("/afgoerelser/<int:decision_id>/ret", methods=["GET", "POST"])
@require_caseworker
def correct_decision(decision_id: int):
    decision = get_or_404(Decision, decision_id)
    get_or_404(Case, decision.case_id, staff_may_see)
    form = CorrectionForm(data={"reason": decision.reason, "amount": decision.amount})
    if not form.is_submitted():
        return _render_correction(decision, form)
    if not form.validate():
        return _render_correction(decision, form, 400)
    try:
        new = decisions.correct_decision(decision.id, current_user, note=form.note.data,
                                         reason=form.reason.data or "", amount=form.amount.data)
    except limits.AmountRefused as exc:  # nothing was written: the message goes next to the amount
        form.amount.errors = [*form.amount.errors, str(exc.message)]
        flash(str(exc.message), "error")
        return _render_correction(get_or_404(Decision, decision_id), form, 409)
    except StaleCase:  # the use case rolled back: the decision is loaded again, with what changed meanwhile
        flash(stale_message(db.session.get(Case, decision.case_id), seen_posted()), "error")
        return _render_correction(get_or_404(Decision, decision_id), form, 409)
    except (NotAllowed, CaseNotFound) as exc:
        flash(str(getattr(exc, "message", "")) or _("Sagen er ændret af en anden. Prøv igen."), "error")
        return _render_correction(get_or_404(Decision, decision_id), form, 409)
    if isinstance(new, MoneyApproval):
        flash(_("Rettelsen af beløbet er gemt og venter på, at en anden medarbejder godkender den "
                "(to-mandsreglen). Først da sendes det nye brev."), "success")
    else:
        flash(_("Afgørelsen er rettet. Det nye brev sendes til foreningen."), "success")
    return redirect(url_for("committee.case_decisions", case_id=new.case_id))


@bp.route("/rettelser/<int:approval_id>/<any(godkend, afvis):step>", methods=["POST"])
@require_caseworker
def answer_correction(approval_id: int, step: str):
    """The second caseworker approves or rejects a proposed correction of an amount."""
    proposal = db.session.get(MoneyApproval, approval_id)
    if proposal is None or proposal.kind != "correction":
        abort(404)
    case = get_or_404(Case, proposal.case_id, staff_may_see)
    form = ApprovalAnswerForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("committee.case_decisions", case_id=case.id))
    try:
        decisions.answer_correction(approval_id, current_user, approve=step == "godkend", answer=form.answer.data or "")
    except StaleCase:
        flash(stale_message(case, seen_posted()), "error")
        return redirect(url_for("committee.case_decisions", case_id=case.id))
    except NotAllowed as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("committee.case_decisions", case_id=case.id))
    flash(_("Rettelsen er godkendt. Det nye brev sendes til foreningen.") if step == "godkend"
          else _("Rettelsen er afvist. Afgørelsen står ved magt."), "success")
    return redirect(url_for("committee.case_decisions", case_id=case.id))

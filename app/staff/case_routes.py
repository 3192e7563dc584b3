"""The staff case page and what a caseworker does on it; each POST calls one service."""
from __future__ import annotations

import io
from collections.abc import Callable

from flask import abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from app.auth.access import require_caseworker, require_staff
from app.cases_access import get_case_for_staff_or_404
from app.extensions import db
from app.models import Document
from app.services import assessment as assessment_service
from app.services import assignment, case_notes, files, hearing, read_log, transitions
from app.services.assessment import ScoreInput
from app.services.case_guard import CASEWORKER_ROLES, NotAllowed
from app.staff import bp
from app.staff.case_page import ActionInput, assignee_choices, render_case
from app.staff.fields import parse_kroner
from app.staff.forms import (AssignForm, ConflictForm, HearingForm, InformationRequestForm, NoteForm,
                             assessment_form)

STALE = _l("Sagen er blevet ændret af en anden, mens du så på den. Se den nye status, og prøv igen.")


@bp.route("/sager/<int:case_id>")
@require_staff
def case(case_id: int):
    found = get_case_for_staff_or_404(case_id)
    read_log.read_case(current_user, found)
    return render_case(found)


def _attempt(case_id: int, call: Callable[[], object], success: str, anchor: str, form_key: str, form):
    """Run one service call; on a domain refusal show the page again with the typed input and a message."""
    try:
        call()
    except transitions.CaseNotFound:
        abort(404)
    except transitions.StaleCase:
        message = str(STALE)
    except NotAllowed as exc:
        message = str(exc.message)
    except transitions.TransitionNotAllowed as exc:
        message = _(exc.reason, **{key: _(value) for key, value in exc.params.items()})
    else:
        flash(success, "success")
        return redirect(url_for("staff.case", case_id=case_id, _anchor=anchor))
    db.session.expire_all()
    case = get_case_for_staff_or_404(case_id)
    if hasattr(form, "version"):
        form.version.data = str(case.version)  # show the current case; the next try is checked against it
    flash(message, "error")
    return render_case(case, 409, **{form_key: form})


@bp.route("/sager/<int:case_id>/tildeling", methods=["POST"])
@require_caseworker
def assign(case_id: int):
    case = get_case_for_staff_or_404(case_id)
    form = AssignForm(prefix="assign")
    form.assignee.choices = assignee_choices()
    if not form.validate():
        return render_case(case, 400, assign_form=form)
    target = current_user.id if "take" in request.form else form.assignee.data
    assignee_id = int(target) if str(target).isdigit() else None
    return _attempt(case.id, lambda: assignment.assign(case.id, assignee_id, current_user,
                                                       expected_version=form.version_seen),
                    _("Tildelingen er gemt."), "tildeling", "assign_form", form)


@bp.route("/sager/<int:case_id>/noter", methods=["POST"])
@require_caseworker
def add_note(case_id: int):
    case = get_case_for_staff_or_404(case_id)
    form = NoteForm(prefix="note")
    if not form.validate():
        return render_case(case, 400, note_form=form)
    return _attempt(case.id, lambda: case_notes.add_note(case.id, current_user, form.text.data),
                    _("Noten er gemt i journalen."), "journal", "note_form", form)


@bp.route("/sager/<int:case_id>/oplysninger", methods=["POST"])
@require_caseworker
def request_information(case_id: int):
    case = get_case_for_staff_or_404(case_id)
    form = InformationRequestForm(prefix="info")
    if not form.validate():
        return render_case(case, 400, info_form=form)
    return _attempt(case.id, lambda: hearing.request_information(
        case.id, current_user, form.question.data, form.reply_deadline.data, expected_version=form.version_seen),
        _("Spørgsmålet er sendt til foreningen."), "oplysninger", "info_form", form)


@bp.route("/sager/<int:case_id>/partshoering", methods=["POST"])
@require_caseworker
def confirm_hearing(case_id: int):
    case = get_case_for_staff_or_404(case_id)
    form = HearingForm(prefix="hearing")
    if not form.validate():
        return render_case(case, 400, hearing_form=form)
    return _attempt(case.id, lambda: hearing.confirm_hearing(
        case.id, current_user, form.choice.data, form.explanation.data, expected_version=form.version_seen),
        _("Partshøringen er registreret i journalen."), "partshoering", "hearing_form", form)


@bp.route("/sager/<int:case_id>/vurdering", methods=["POST"])
@require_caseworker
def save_assessment(case_id: int):
    case = get_case_for_staff_or_404(case_id)
    criteria = list(case.pool.criteria)
    form = assessment_form(criteria, case.amount_applied, prefix="assessment")
    if not form.validate():
        return render_case(case, 400, assessment_form=form)
    scores = {c.id: ScoreInput(form[f"score_{c.id}"].score, form[f"comment_{c.id}"].data or "") for c in criteria}
    return _attempt(case.id, lambda: assessment_service.save_assessment(
        case.id, current_user, scores, form.recommended_amount.data, form.recommendation.data or "",
        expected_version=form.version_seen), _("Vurderingen er gemt."), "vurdering", "assessment_form", form)


@bp.route("/sager/<int:case_id>/inhabilitet", methods=["POST"])
@require_staff
def declare_conflict(case_id: int):
    case = get_case_for_staff_or_404(case_id)
    form = ConflictForm(prefix="conflict")
    if not form.validate():
        return render_case(case, 400, conflict_form=form)
    return _attempt(case.id, lambda: assessment_service.declare_conflict(case.id, current_user, form.reason.data),
                    _("Din inhabilitet er registreret. Du kan ikke længere behandle sagen."), "inhabilitet",
                    "conflict_form", form)


@bp.route("/sager/<int:case_id>/handling", methods=["POST"])
@require_staff
def case_action(case_id: int):
    """A workflow action offered by the engine (decisions, committee, screening ...)."""
    case = get_case_for_staff_or_404(case_id)
    typed = _typed_action(case)
    if typed.errors:
        flash(_("Handlingen er ikke udført. Ret fejlene i formularen."), "error")
        return render_case(case, 400, action_input=typed)
    version = request.form.get("version", type=int)
    amount = parse_kroner(typed.amount) if typed.amount else None
    given = transitions.ActionInput(comment=typed.comment or None, reason=typed.reason or None, amount=amount)
    try:
        transitions.perform(case.id, typed.action, current_user, expected_version=version, given=given)
    except transitions.StaleCase:
        message = str(STALE)
    except transitions.ReasonRequired:
        message = _("Skriv en begrundelse: et afslag eller en delvis bevilling skal begrundes (forvaltningslovens § 22).")
        typed.errors["reason"] = message
    except transitions.AmountRequired:
        message = _("Skriv det beløb, der bevilges.")
        typed.errors["amount"] = message
    except transitions.TransitionNotAllowed as exc:
        message = _(exc.reason, **{key: _(value) for key, value in exc.params.items()})
    else:
        flash(_("Handlingen er udført."), "success")
        return redirect(url_for("staff.case", case_id=case.id))
    db.session.expire_all()
    flash(message, "error")
    return render_case(get_case_for_staff_or_404(case.id), 409, action_input=typed)


def _typed_action(case) -> ActionInput:
    """The action form as typed, with a Danish message per invalid field."""
    typed = ActionInput(action=(request.form.get("action") or "")[:60],
                        comment=(request.form.get("comment") or "").strip(),
                        reason=(request.form.get("reason") or "").strip(),
                        amount=(request.form.get("amount") or "").strip()[:30])
    if typed.action == "request_information":
        typed.errors["action"] = _("Brug formularen »Bed om oplysninger«, så spørgsmålet og svarfristen kommer med.")
    if len(typed.comment) > 5_000:
        typed.errors["comment"] = _("Bemærkningen er for lang (højst 5.000 tegn).")
    if len(typed.reason) > 20_000:
        typed.errors["reason"] = _("Begrundelsen er for lang (højst 20.000 tegn).")
    if typed.amount:
        amount = parse_kroner(typed.amount)
        if amount is None:
            typed.errors["amount"] = _("Skriv et beløb i hele kroner, fx 10000 eller 10.000.")
        elif case.amount_applied is not None and amount > case.amount_applied:
            typed.errors["amount"] = _("Beløbet kan ikke være større end det ansøgte.")
    return typed


@bp.route("/dokumenter/<int:document_id>")
@require_staff
def document(document_id: int):
    """Download a case document; only staff who may see the case (404 for the rest, nothing leaks)."""
    doc = db.session.get(Document, document_id)
    if doc is None:
        abort(404)
    if doc.case_id is not None:
        get_case_for_staff_or_404(doc.case_id)
    elif current_user.role not in CASEWORKER_ROLES:
        abort(404)
    try:
        data = files.read_bytes(doc.storage_key)
    except (FileNotFoundError, ValueError):
        abort(404)
    read_log.read_document(current_user, doc)
    response = send_file(io.BytesIO(data), mimetype=doc.content_type, as_attachment=True,
                         download_name=doc.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response

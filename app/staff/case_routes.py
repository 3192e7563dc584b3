"""The staff case page and what a caseworker does on it; each POST calls one service."""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import get_or_404, staff_may_see
from app.auth.access import require_caseworker, require_staff
from app.extensions import db
from app.models import Case, Document
from app.services.cases import assessment as assessment_service
from app.services.cases import assignment, notes as case_notes, hearing, transitions
from app.services.files import storage as files
from app.services.pools import limits
from app.services.journals import read_log
from app.services.cases.assessment import ScoreInput
from app.services.cases.guard import CASEWORKER_ROLES, NotAllowed
from app.staff import bp
from app.case_changes import stale_message
from app.services.committee import letters, meetings, referral as committee_referral
from app.staff import decision_page
from app.staff.case_page import ActionInput, assignee_choices, render_case
from app.staff.fields import parse_kroner
from app.staff.forms import (AssignForm, ConflictForm, HearingForm, InformationRequestForm, NoteForm,
                             assessment_form)



@bp.route("/sager/<int:case_id>")
@require_staff
def case(case_id: int):
    found = get_or_404(Case, case_id, staff_may_see)
    last_seen = read_log.last_case_read(current_user.id, found.id)  # before this read is logged
    read_log.read_case(current_user, found)
    return render_case(found, last_seen=last_seen)


def _attempt(case_id: int, call: Callable[[], object], success: str, anchor: str, form_key: str, form):
    """Run one service call; on a domain refusal show the page again with the typed input and a message."""
    try:
        call()
    except transitions.CaseNotFound:
        abort(404)
    except transitions.StaleCase:
        message = None
    except NotAllowed as exc:
        message = str(exc.message)
    except transitions.TransitionNotAllowed as exc:
        message = _(exc.reason, **{key: _(value) for key, value in exc.params.items()})
    else:
        flash(success, "success")
        return redirect(url_for("staff.case", case_id=case_id, _anchor=anchor))
    db.session.expire_all()
    case = get_or_404(Case, case_id, staff_may_see)
    if message is None:
        message = stale_message(case, getattr(form, "event_seen", None))
    if hasattr(form, "version"):
        form.version.data = str(case.version)  # show the current case; the next try is checked against it
        form.seen.data = str(transitions.last_event_id(case.id))
    flash(message, "error")
    return render_case(case, 409, **{form_key: form})


@bp.route("/sager/<int:case_id>/tildeling", methods=["POST"])
@require_caseworker
def assign(case_id: int):
    case = get_or_404(Case, case_id, staff_may_see)
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
    case = get_or_404(Case, case_id, staff_may_see)
    form = NoteForm(prefix="note")
    if not form.validate():
        return render_case(case, 400, note_form=form)
    return _attempt(case.id, lambda: case_notes.add_note(case.id, current_user, form.text.data),
                    _("Noten er gemt i journalen."), "journal", "note_form", form)


@bp.route("/sager/<int:case_id>/oplysninger", methods=["POST"])
@require_caseworker
def request_information(case_id: int):
    case = get_or_404(Case, case_id, staff_may_see)
    form = InformationRequestForm(prefix="info")
    if not form.validate():
        return render_case(case, 400, info_form=form)
    return _attempt(case.id, lambda: hearing.request_information(
        case.id, current_user, form.question.data, form.reply_deadline.data, expected_version=form.version_seen),
        _("Spørgsmålet er sendt til foreningen."), "oplysninger", "info_form", form)


@bp.route("/sager/<int:case_id>/partshoering", methods=["POST"])
@require_caseworker
def confirm_hearing(case_id: int):
    case = get_or_404(Case, case_id, staff_may_see)
    form = HearingForm(prefix="hearing")
    if not form.validate():
        return render_case(case, 400, hearing_form=form)
    return _attempt(case.id, lambda: hearing.confirm_hearing(
        case.id, current_user, form.choice.data, form.explanation.data, expected_version=form.version_seen),
        _("Partshøringen er registreret i journalen."), "partshoering", "hearing_form", form)


@bp.route("/sager/<int:case_id>/vurdering", methods=["POST"])
@require_caseworker
def save_assessment(case_id: int):
    case = get_or_404(Case, case_id, staff_may_see)
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
    case = get_or_404(Case, case_id, staff_may_see)
    form = ConflictForm(prefix="conflict")
    if not form.validate():
        return render_case(case, 400, conflict_form=form)
    return _attempt(case.id, lambda: assessment_service.declare_conflict(case.id, current_user, form.reason.data),
                    _("Din inhabilitet er registreret. Du kan ikke længere behandle sagen."), "inhabilitet",
                    "conflict_form", form)


@bp.route("/sager/<int:case_id>/handling", methods=["POST"])
@require_staff
def case_action(case_id: int):
    """A workflow action offered by the engine (decisions after their preview, committee, screening ...)."""
    case = get_or_404(Case, case_id, staff_may_see)
    typed = typed_action(case)
    if typed.errors:
        return refused_input(case, typed)
    version, given = request.form.get("version", type=int), given_input(typed)
    referral, decision = decision_page.is_referral(case, typed.action), decision_page.is_decision(case, typed.action)
    try:
        if referral:
            meeting = committee_referral.send_to_committee(case.id, typed.action, current_user, expected_version=version,
                                                           given=given, meeting_id=int(typed.meeting or 0) or None)
        else:
            transitions.perform(case.id, typed.action, current_user, expected_version=version, given=given)
    except (NotAllowed, meetings.MeetingNotFound) as exc:
        message = str(exc.message) if isinstance(exc, NotAllowed) else _("Mødet findes ikke længere. Vælg et andet møde.")
        if referral:
            typed.errors["meeting"] = message
    except REFUSALS as exc:
        message = refusal_message(case, typed, exc)
    else:
        return _done(case, referral, decision, meeting if referral else None)
    db.session.expire_all()
    flash(message, "error")
    return render_case(get_or_404(Case, case.id, staff_may_see), 409, action_input=typed)


def _done(case: Case, referral: bool, decision: bool, meeting):
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    if referral:
        flash(decision_page.meeting_sentence(meeting), "success")
    elif decision:
        flash(decision_page.decided_sentence(case, letters.letter_outcome(case.workflow, case.state),
                                             case.granted_amount), "success")
        return redirect(url_for("staff.case", case_id=case.id, _anchor="afgoerelse"))
    else:
        flash(_("Handlingen er udført."), "success")
    return redirect(url_for("staff.case", case_id=case.id))


def refused_input(case: Case, typed: ActionInput):
    """The case page again with the typed input and a message next to each field that is wrong."""
    flash(_("Handlingen er ikke udført. Ret fejlene i formularen."), "error")
    return render_case(case, 400, action_input=typed)


def given_input(typed: ActionInput) -> transitions.ActionInput:
    """The service's input from what was typed (already checked by typed_action)."""
    amount = parse_kroner(typed.amount) if typed.amount else None
    return transitions.ActionInput(comment=typed.comment or None, reason=typed.reason or None, amount=amount)


def refusal_message(case: Case, typed: ActionInput, exc: Exception) -> str:
    """A domain refusal of an action in Danish, also put next to the field it concerns; anything else re-raised."""
    if isinstance(exc, transitions.StaleCase):
        return stale_message(case, request.form.get("seen", type=int))
    if isinstance(exc, transitions.ReasonRequired):
        typed.errors["reason"] = _("Skriv en begrundelse: et afslag eller en delvis bevilling skal begrundes "
                                   "(forvaltningslovens § 22).")
        return typed.errors["reason"]
    if isinstance(exc, transitions.AmountRequired):
        typed.errors["amount"] = _("Skriv det beløb, der bevilges.")
        return typed.errors["amount"]
    if isinstance(exc, limits.AmountRefused):
        typed.errors["amount"] = str(exc.message)
        return typed.errors["amount"]
    if isinstance(exc, NotAllowed):
        return str(exc.message)
    if isinstance(exc, transitions.TransitionNotAllowed):
        message = _(exc.reason, **{key: _(value) for key, value in exc.params.items()})
        if typed.amount and exc.guard == "within_delegation_limit":
            typed.errors["amount"] = message  # the amount typed is above the delegation limit
        return message
    raise exc


# What an action may be refused with; each has its Danish message in refusal_message().
REFUSALS = (transitions.StaleCase, transitions.ReasonRequired, transitions.AmountRequired, limits.AmountRefused,
            NotAllowed, transitions.TransitionNotAllowed)


def typed_action(case) -> ActionInput:
    """The action form as typed, with a Danish message per invalid field."""
    typed = ActionInput(action=(request.form.get("action") or "")[:60],
                        comment=(request.form.get("comment") or "").strip(),
                        reason=(request.form.get("reason") or "").strip(),
                        amount=(request.form.get("amount") or "").strip()[:30],
                        meeting=(request.form.get("meeting") or "").strip()[:12])
    if typed.action == "request_information":
        typed.errors["action"] = _("Brug formularen »Bed om oplysninger«, så spørgsmålet og svarfristen kommer med.")
    if len(typed.comment) > 5_000:
        typed.errors["comment"] = _("Bemærkningen er for lang (højst 5.000 tegn).")
    if len(typed.reason) > 20_000:
        typed.errors["reason"] = _("Begrundelsen er for lang (højst 20.000 tegn).")
    if typed.meeting and not typed.meeting.isdigit():
        typed.errors["meeting"] = _("Vælg et af udvalgets møder, eller vælg mødet senere.")
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
    doc = get_or_404(Document, document_id)
    if doc.case_id is not None:
        get_or_404(Case, doc.case_id, staff_may_see)
    elif current_user.role not in CASEWORKER_ROLES:
        abort(404)
    try:  # checked against its SHA-256, then streamed; a missing or altered file is a 404 (the store logs it)
        stream = files.open_verified(doc.storage_key, doc.sha256)
    except (FileNotFoundError, ValueError):
        abort(404)
    read_log.read_document(current_user, doc)
    response = send_file(stream, mimetype=doc.content_type, as_attachment=True,
                         download_name=doc.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response

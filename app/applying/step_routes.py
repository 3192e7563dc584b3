"""The application form, step by step: WTForms from the pinned form version, saved on every press."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from app import clock
from app.applying import bp
from app.applying.progress import draft_or_redirect, progress
from app.auth.access import require_member
from app.extensions import db
from app.forms_runtime import (FormSpec, answers_from_form, field_value, is_visible, step_form, step_view,
                               wants_more_lines)
from app.forms_runtime.builder import MAX_FILE_BYTES
from app.main.errors import render_error
from app.models import Case
from app.services.applying import applications
from app.services.cases import contact_cpr
from app.services.files import attachments
from app.services.applying.receipt import answers_of
from app.services.applying.rules import rule_problems



def stale_message() -> str:
    """What a board member reads when another one saved the draft first."""
    return _("Et andet bestyrelsesmedlem har gemt ændringer i ansøgningen, mens du skrev. Dine svar herunder er ikke "
             "gemt endnu: tjek dem, og tryk »Gem og fortsæt« igen.")


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    limit = attachments.size_label(min(MAX_FILE_BYTES, current_app.config["MAX_ATTACHMENT_BYTES"]))
    return render_error(413, _("Det, du sendte, fylder for meget. En fil må højst fylde %(size)s. Gå tilbage, og "
                               "vælg en mindre fil.", size=limit))


def _page(case: Case, spec: FormSpec, index: int, form, answers: dict, version: int):
    view = step_view(spec, index, form, answers)
    files = {key: value for key, value in answers.items() if isinstance(value, dict) and "document_id" in value}
    return render_template("applying/step.html", case=case, view=view, version=version, files=files,
                           steps=progress(case, spec, index))


@bp.route("/<int:case_id>")
@require_member
def resume(case_id: int):
    case, spec = draft_or_redirect(case_id)
    if spec is None:
        return case
    at = int((case.data or {}).get("step") or 0)
    if at >= len(spec.steps):
        return redirect(url_for("applying.summary", case_id=case.id))
    return redirect(url_for("applying.step", case_id=case.id, number=max(at, 0) + 1))


def _has_upload(wtf_field) -> bool:
    return isinstance(wtf_field.data, FileStorage) and bool(wtf_field.data.filename)


def _check_rules(spec: FormSpec, index: int, form, answers: dict) -> bool:
    """Add the application rules' messages (past dates, nothing to apply for); True when none apply."""
    step_fields = spec.steps[index].fields
    known = {**answers, **{f.key: field_value(f, form[f.key]) for f in step_fields if f.kind != "file"}}
    ok = True
    for f in step_fields:
        wtf_field = form[f.key]
        if wtf_field.errors or not is_visible(spec, f, known):
            continue
        problems = rule_problems(f, field_value(f, wtf_field), clock.today())
        if problems:
            wtf_field.errors = list(wtf_field.errors) + [str(p) for p in problems]
            ok = False
    return ok


def _step_values(spec: FormSpec, index: int, form, answers: dict) -> dict:
    updated, _uploads = answers_from_form(spec, index, form, answers)
    return {f.key: updated.get(f.key) for f in spec.steps[index].fields if f.kind != "file"}


def _uploads(spec: FormSpec, index: int, form) -> dict:
    """New files on this step that passed the form's own checks (name and size)."""
    return {f.key: form[f.key].data for f in spec.steps[index].fields
            if f.kind == "file" and _has_upload(form[f.key]) and not form[f.key].errors}


def _remove_file(case: Case, spec: FormSpec, index: int, form, version: int | None, key: str):
    try:
        saved = applications.remove_file(case.id, current_user, version, key[:40])
    except applications.NotADraft as exc:
        return redirect(url_for("applying.resume", case_id=exc.case.id))
    if saved.stale:
        flash(stale_message(), "error")
    else:
        flash(_("Filen er fjernet fra ansøgningen."), "success")
    return _page(saved.case, spec, index, form, answers_of(saved.case), saved.case.version)


@bp.route("/<int:case_id>/trin/<int:number>", methods=["GET", "POST"])
@require_member
def step(case_id: int, number: int):
    case, spec = draft_or_redirect(case_id)
    if spec is None:
        return case
    index = number - 1
    if not 0 <= index < len(spec.steps):
        abort(404)
    answers = answers_of(case)
    form = step_form(spec, index, answers)
    if request.method == "GET":
        return _page(case, spec, index, form, answers, case.version)
    version = request.form.get("case_version", type=int)
    if request.form.get("remove_file"):
        return _remove_file(case, spec, index, form, version, request.form["remove_file"])
    if wants_more_lines(form, request.form):
        return _page(case, spec, index, form, answers, version)
    return _save(case, spec, index, form, answers, version)


def _save(case: Case, spec: FormSpec, index: int, form, answers: dict, version: int | None):
    valid = form.validate_on_submit()
    valid = _check_rules(spec, index, form, answers) and valid
    back = request.form.get("nav") == "back"
    target = max(index - 1, 0) if back else index + 1
    change = applications.StepSave(version=version, index=index,
                                    values=_step_values(spec, index, form, answers) if valid else None,
                                    uploads=_uploads(spec, index, form), resume_at=target)
    try:
        saved = applications.save_step(case.id, current_user, change)
    except applications.NotADraft as exc:
        return redirect(url_for("applying.resume", case_id=exc.case.id))
    except applications.StaleDraft:
        saved = applications.Saved(case=db.session.get(Case, case.id), stale=True)
    for key, problem in saved.file_problems.items():
        form[key].errors = list(form[key].errors) + [str(problem)]
    if saved.stale:
        flash(stale_message(), "error")
    if saved.stale or not valid or saved.file_problems:
        return _page(saved.case, spec, index, form, answers_of(saved.case), saved.case.version)
    if target >= len(spec.steps) and contact_cpr.asks_for_cpr(saved.case):
        return redirect(url_for("applying.contact_cpr_page", case_id=case.id))
    if target >= len(spec.steps):
        return redirect(url_for("applying.summary", case_id=case.id))
    return redirect(url_for("applying.step", case_id=case.id, number=target + 1))

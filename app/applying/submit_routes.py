"""The summary of everything entered, submission, the receipt page and the receipt PDF."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.access import get_or_404, on_board
from app.applying import bp
from app.applying.progress import draft_or_redirect, progress
from app.auth.access import require_member
from app.forms_runtime import FormSpec, visible_fields, without_hidden
from app.forms_runtime.spec import FieldSpec
from app.models import Case
from app.services.applying import receipt as application_receipt, applications
from app.services.files import attachments
from app.services.applying.receipt import answers_of
from app.services.applying.rules import application_problems
from app.services.cases import contact_cpr
from app.services.cases.core import accepts_applications
from app.services.applying.eligibility import eligibility_problems
from workflows import TransitionNotAllowed


@dataclass(frozen=True)
class Problem:
    """A problem on the summary, linking to the field on its step."""

    label: str
    message: str
    url: str


def anchor(field: FieldSpec) -> str:
    """The id of the field's first input (as the form runtime renders it)."""
    if field.kind in ("yes_no", "single_choice", "multiple_choice"):
        return f"{field.key}-0"
    if field.kind == "budget":
        return f"{field.key}-expenses-0-text"
    return field.key


def problem_list(case: Case, spec: FormSpec, problems: dict) -> list[Problem]:
    """{key: messages} as linked problems, in the order of the form."""
    out = []
    for f in spec.all_fields():
        for message in problems.get(f.key, []):
            url = url_for("applying.step", case_id=case.id, number=spec.step_of(f.key) + 1, _anchor=anchor(f))
            out.append(Problem(f.label, str(message), url))
    return out


def summary_sections(spec: FormSpec, answers: dict) -> list[dict]:
    """Each step with its shown questions and answers."""
    shown = {f.key for f in visible_fields(spec, answers)}
    return [{"number": i + 1, "title": s.title,
             "fields": [(f, answers.get(f.key)) for f in s.fields if f.key in shown]} for i, s in enumerate(spec.steps)]


def _summary(case: Case, spec: FormSpec, problems: dict | None = None, refusals: list | None = None):
    today = clock.today()
    answers = without_hidden(spec, answers_of(case))
    if problems is None:
        problems = application_problems(spec, answers, today)
    pool = case.pool
    late = accepts_applications(pool, today) and not pool.is_open_on(today)
    refusals = refusals if refusals is not None else [
        str(p) for p in eligibility_problems(case.association, pool, today)]
    cpr = contact_cpr.has_cpr(case.id) if contact_cpr.asks_for_cpr(case) else None  # None: not asked
    return render_template("applying/summary.html", case=case, sections=summary_sections(spec, answers), cpr=cpr,
                           problems=problem_list(case, spec, problems), refusals=refusals, late=late,
                           steps=progress(case, spec, len(spec.steps)), version=case.version)


@bp.route("/<int:case_id>/oversigt")
@require_member
def summary(case_id: int):
    case, spec = draft_or_redirect(case_id)
    if spec is None:
        return case
    return _summary(case, spec)


@bp.route("/<int:case_id>/indsend", methods=["POST"])
@require_member
def submit(case_id: int):
    case = get_or_404(Case, case_id, on_board)
    if case.state_has("draft") and case.form_version_id is None:
        return draft_or_redirect(case.id)[0]  # a draft without a form (made before forms existed) has no summary
    version = request.form.get("case_version", type=int)
    try:
        applications.submit(case.id, current_user, version, clock.today())
    except applications.AlreadySubmitted:
        return redirect(url_for("applying.receipt", case_id=case.id))
    except applications.NotADraft:
        flash(_("Ansøgningen kan ikke sendes, fordi kladden er slettet."), "error")
        return redirect(url_for("portal.case", case_id=case.id))
    except applications.StaleDraft:
        flash(_("Et andet bestyrelsesmedlem har ændret ansøgningen, siden du åbnede oversigten. Se den igennem "
                "herunder, og tryk »Send ansøgningen« igen."), "error")
        return redirect(url_for("applying.summary", case_id=case.id))
    except applications.Incomplete as exc:
        flash(_("Ansøgningen er ikke sendt. Ret de markerede svar først."), "error")
        return _refused(case, problems=exc.problems)
    except applications.DeadlinePassed as exc:
        return _refused(case, refusals=[deadline_message(exc.pool)])
    except applications.NotEligible as exc:
        return _refused(case, refusals=[str(p) for p in exc.problems])
    except TransitionNotAllowed as exc:
        return _refused(case, refusals=[_(exc.reason, **{k: _(v) for k, v in exc.params.items()})])
    return redirect(url_for("applying.receipt", case_id=case.id))


def deadline_message(pool) -> str:
    """Why a late application cannot be sent."""
    from app.formatting import day
    return _("Ansøgningsfristen var %(day)s, og puljen modtager ikke ansøgninger efter fristen. Ansøgningen er ikke "
             "sendt, men kladden er gemt. Kontakt kommunen, hvis I mener, at der er sket en fejl.", day=day(pool.deadline))


def _refused(case: Case, problems: dict | None = None, refusals: list | None = None):
    case, spec = draft_or_redirect(case.id)
    if spec is None:
        return case
    return _summary(case, spec, problems=problems, refusals=refusals)


@bp.route("/<int:case_id>/kvittering")
@require_member
def receipt(case_id: int):
    case = get_or_404(Case, case_id, on_board)
    if case.number is None:
        return redirect(url_for("applying.resume", case_id=case.id))
    return render_template("applying/receipt.html", case=case,
                           receipt=application_receipt.receipt_document(case.id))


@bp.route("/<int:case_id>/kvittering.pdf")
@require_member
def receipt_pdf(case_id: int):
    case = get_or_404(Case, case_id, on_board)
    document = application_receipt.ensure_receipt(case.id)
    if document is None:
        abort(404)
    return attachments.send_document(document)

"""The draft look-up every application page starts with, and the step indicator's items."""
from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from app.access import get_or_404, on_board
from app.forms_runtime import FormSpec, load_spec
from app.models import Case


@dataclass(frozen=True)
class StepItem:
    """One item of the step indicator."""

    number: int
    title: str
    url: str
    current: bool
    disabled: bool


def draft_or_redirect(case_id: int):
    """(case, spec) for a draft application of the member's association; (redirect, None) when it is not one.

    Another association's case is a 404 (the `on_board` check).
    """
    case = get_or_404(Case, case_id, on_board)
    if case.state_has("draft") and case.form_version_id is not None:
        spec = load_spec(case.form_version_id)
        if spec is not None and spec.steps:
            return case, spec
    if case.number:
        flash(_("Ansøgningen er sendt. Her kan I følge sagen."), "info")
    return redirect(url_for("portal.case", case_id=case.id)), None


def reached(case: Case) -> int:
    """The furthest step the applicants have come to (len(steps) = the summary)."""
    try:
        return int((case.data or {}).get("reached") or 0)
    except (TypeError, ValueError):
        return 0


def progress(case: Case, spec: FormSpec, current: int) -> list[StepItem]:
    """The form's steps and the summary; steps not reached yet are shown but not linked."""
    furthest = max(reached(case), current)
    items = [StepItem(i + 1, s.title, url_for("applying.step", case_id=case.id, number=i + 1), i == current,
                      i > furthest) for i, s in enumerate(spec.steps)]
    last = len(spec.steps)
    items.append(StepItem(last + 1, _("Se og indsend"), url_for("applying.summary", case_id=case.id),
                          current == last, furthest < last))
    return items

"""A first draft of a decision's reason (begrundelse), written to the association from the assessment.

The draft reaches the citizen's letter, so it is written as the letter speaks ("I får …", "jeres ansøgning"),
never as the internal recommendation ("Vi indstiller …"), which stays in the journal. The caseworker edits it.
"""
from __future__ import annotations

from flask_babel import force_locale, gettext as _

from app.formatting import money
from app.models import Assessment, Case

MET = 3  # a score of 3 of 5 or more: the criterion is met


def draft_reason(case: Case, assessment: Assessment | None) -> str:
    """The draft for the decision the assessment points to: a grant, a partial grant or a refusal."""
    scores = list(assessment.scores) if assessment else []
    met = [s.criterion_name for s in scores if s.score >= MET]
    unmet = [s for s in scores if s.score < MET]
    # Letters are written in Danish whatever the caseworker's language, so the draft is too.
    with force_locale("da"):
        if _points_to_refusal(case):
            return _refusal(case, unmet or scores)
        if _points_to_part(case):
            return _partial(case, met, unmet)
        return _grant(case, met)


def _points_to_refusal(case: Case) -> bool:
    return case.is_grant and case.recommended_amount == 0


def _points_to_part(case: Case) -> bool:
    applied, recommended = case.amount_applied, case.recommended_amount
    return case.is_grant and None not in (applied, recommended) and 0 < recommended < applied


def _grant(case: Case, met: list[str]) -> str:
    if case.is_grant:
        amount = case.recommended_amount or case.amount_applied
        opening = _("I får %(amount)s til »%(title)s«.", amount=money(amount, locale="da"), title=case.title)
    else:
        opening = _("I kan låne lokalerne til »%(title)s«.", title=case.title)
    if not met:
        return opening
    return opening + " " + _("Vi har lagt vægt på, at jeres ansøgning lever op til puljens kriterier: %(criteria)s.",
                             criteria=_listing(met))


def _partial(case: Case, met: list[str], unmet) -> str:
    text = _("I får %(amount)s af de %(applied)s, I har søgt om til »%(title)s«.",
             amount=money(case.recommended_amount, locale="da"), applied=money(case.amount_applied, locale="da"),
             title=case.title)
    if met:
        text += " " + _("Jeres ansøgning lever op til puljens kriterier om %(criteria)s.", criteria=_listing(met))
    if unmet:
        text += "\n\n" + _("Vi bevilger ikke hele beløbet, fordi ansøgningen ikke i fuldt omfang lever op til "
                           "disse kriterier:") + "\n\n" + _bullets(unmet)
    return text


def _refusal(case: Case, unmet) -> str:
    text = _("I får ikke tilskud til »%(title)s«.", title=case.title)
    if unmet:
        text += " " + _("Jeres ansøgning lever ikke op til disse af puljens kriterier:") + "\n\n" + _bullets(unmet)
    return text


def _bullets(scores) -> str:
    # One paragraph per criterion: the letter joins single line breaks into one paragraph.
    return "\n\n".join(f"– {s.criterion_name}" + (f": {s.comment.strip()}" if s.comment.strip() else "")
                     for s in scores)


def _listing(names: list[str]) -> str:
    names = [n.strip() for n in names if n.strip()]
    if len(names) < 2:
        return "".join(names)
    return _("%(first)s og %(last)s", first=", ".join(names[:-1]), last=names[-1])

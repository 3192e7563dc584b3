"""Assessment against the pool's criteria, the recommendation, and declarations of conflict of interest."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import force_locale, format_decimal, gettext, lazy_gettext as _l

from app.extensions import db
from app.formatting import money
from app.models import Assessment, Case, CaseEvent, ConflictDeclaration, CriterionScore, PoolCriterion, User
from app.models.assessment import SCORE_MAX, SCORE_MIN
from app.services.cases import core as case_rules
from app.services.cases.guard import flush_or_stale, lock_case, refuse, require_caseworker_on, require_open
from app.services.unit_of_work import use_case

# Scores and the recommendation can change until the case is recommended; after that, reopen the assessment.
TEXT_MAX = 20_000
COMMENT_MAX = 5_000


@dataclass(frozen=True)
class ScoreInput:
    """What the caseworker typed for one criterion."""

    score: int | None
    comment: str = ""


def weighted_score(pairs: Iterable[tuple[int, int]]) -> float | None:
    """sum(score * weight) / sum(weight) over (score, weight) pairs; None when nothing is scored."""
    pairs = list(pairs)
    total_weight = sum(weight for _, weight in pairs)
    if not pairs or total_weight <= 0:
        return None
    return sum(score * weight for score, weight in pairs) / total_weight


def score_label(value: float | None) -> str:
    """The weighted score with one decimal in the current language, or a dash."""
    return "–" if value is None else format_decimal(round(value, 1), format="0.0")


def assessment_for(case: Case) -> Assessment | None:
    """The case's assessment with its scores (one query)."""
    return db.session.scalar(db.select(Assessment).where(Assessment.case_id == case.id)
                             .options(db.selectinload(Assessment.scores), db.joinedload(Assessment.assessed_by)))


def score_of(assessment: Assessment | None) -> float | None:
    """The weighted score of a stored assessment."""
    if assessment is None:
        return None
    return weighted_score((s.score, s.weight) for s in assessment.scores)


def may_assess(case: Case) -> bool:
    """The caseworker may score the application now (screening and assessment)."""
    return case.state_has("assessable")


@use_case
def save_assessment(case_id: int, user: User, scores: Mapping[int, ScoreInput], recommended_amount: int | None,
                    recommendation: str, *, expected_version: int | None = None) -> Assessment:
    """Store scores, the recommended amount and the recommendation text; journalised, one commit."""
    recommendation = (recommendation or "").strip()
    _check_inputs(scores, recommended_amount, recommendation)
    case = lock_case(case_id, expected_version)
    require_caseworker_on(case, user)
    require_open(case)
    if not may_assess(case):
        refuse(_l("Vurderingen kan kun ændres under visitation og vurdering. Genoptag vurderingen først."))
    if recommended_amount is not None and case.amount_applied is not None and recommended_amount > case.amount_applied:
        refuse(_l("Det indstillede beløb kan ikke være større end det ansøgte beløb (%(amount)s kr.).",
                  amount=case.amount_applied))
    assessment = assessment_for(case) or Assessment(case_id=case.id)
    db.session.add(assessment)
    _apply_scores(assessment, case, scores)
    assessment.recommendation = recommendation
    assessment.assessed_by_id = user.id
    case.recommended_amount = recommended_amount
    db.session.add(CaseEvent(case_id=case.id, actor_id=user.id, kind="assessment", visibility="internal",
                             comment=_journal_text(assessment, recommended_amount)))
    flush_or_stale()
    return assessment


def _check_inputs(scores: Mapping[int, ScoreInput], amount: int | None, recommendation: str) -> None:
    for given in scores.values():
        if given.score is not None and not SCORE_MIN <= given.score <= SCORE_MAX:
            refuse(_l("En score skal være et helt tal fra 0 til 5."))
        if len(given.comment or "") > COMMENT_MAX:
            refuse(_l("En kommentar er for lang (højst %(n)s tegn).", n=COMMENT_MAX))
    if amount is not None and amount < 0:
        refuse(_l("Beløbet kan ikke være negativt."))
    if len(recommendation) > TEXT_MAX:
        refuse(_l("Indstillingen er for lang (højst %(n)s tegn).", n=TEXT_MAX))


def _apply_scores(assessment: Assessment, case: Case, scores: Mapping[int, ScoreInput]) -> None:
    criteria = {c.id: c for c in db.session.scalars(
        db.select(PoolCriterion).where(PoolCriterion.pool_id == case.pool_id))}
    if set(scores) - set(criteria):
        refuse(_l("Et kriterium hører ikke til puljen. Genindlæs siden, og prøv igen."))
    existing = {s.criterion_id: s for s in assessment.scores}
    for criterion_id, given in scores.items():
        criterion, row = criteria[criterion_id], existing.get(criterion_id)
        if given.score is None:
            if row is not None:
                assessment.scores.remove(row)
            continue
        if row is None:
            row = CriterionScore(criterion_id=criterion_id)
            assessment.scores.append(row)
        row.position, row.criterion_name, row.weight = criterion.position, criterion.name, criterion.weight
        row.score, row.comment = given.score, (given.comment or "").strip()


def _journal_text(assessment: Assessment, amount: int | None) -> str:
    """A short Danish line for the journal (the record is kept in the authority's language)."""
    score = weighted_score((s.score, s.weight) for s in assessment.scores)
    with force_locale("da"):
        amount_text = money(amount)
        return gettext("Vurdering gemt: indstillet beløb %(amount)s, vægtet score %(score)s.",
                       score=score_label(score), amount=amount_text)


@use_case
def declare_conflict(case_id: int, user: User, reason: str) -> ConflictDeclaration:
    """Declare oneself inhabil (forvaltningsloven § 3): from now on the engine refuses this user's actions."""
    reason = (reason or "").strip()
    if not reason:
        refuse(_l("Skriv kort, hvorfor du er inhabil."))
    if len(reason) > COMMENT_MAX:
        refuse(_l("Begrundelsen er for lang (højst %(n)s tegn).", n=COMMENT_MAX))
    case = lock_case(case_id)
    if user.role not in ("caseworker", "administrator", "committee_member"):
        refuse(_l("Kun medarbejdere og udvalgsmedlemmer kan erklære sig inhabile."))
    if case_rules.is_inhabil(user, case):
        refuse(_l("Du har allerede erklæret dig inhabil i sagen."))
    declaration = ConflictDeclaration(case_id=case.id, user_id=user.id, reason=reason)
    db.session.add(declaration)
    db.session.add(CaseEvent(case_id=case.id, actor_id=user.id, kind="conflict", comment=reason,
                             visibility="internal"))
    if case.assignee_id == user.id:
        case.assignee_id = None  # an inhabil caseworker must hand the case on
        db.session.add(CaseEvent(case_id=case.id, actor_id=user.id, kind="assignment", action="unassign",
                                 visibility="internal"))
    flush_or_stale()
    return declaration

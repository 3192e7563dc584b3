"""A pool's weighted assessment criteria and its eligibility questions, set up by administrators."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import EligibilityQuestion, Pool, PoolCriterion, User
from app.services.journals import audit as admin_audit
from app.services.journals.audit import SetupError
from app.services.unit_of_work import use_case

CRITERION_FIELDS = ("name", "description", "weight", "position")
MAX_QUESTIONS = 4


@dataclass(frozen=True)
class QuestionValues:
    """One yes/no question with the answer that qualifies and why."""

    text: str
    qualifying_answer: bool
    explanation: str = ""


def _pool(pool_id: int) -> Pool:
    pool = db.session.get(Pool, pool_id)
    if pool is None:
        raise SetupError(_l("Puljen findes ikke."))
    return pool


def _check_weight(weight: object) -> int:
    if not isinstance(weight, int) or isinstance(weight, bool) or weight <= 0:
        raise SetupError(_l("Vægten skal være et helt tal større end 0."), "weight")
    return weight


def _snapshot(criterion: PoolCriterion) -> dict:
    return {"pool_id": criterion.pool_id, **admin_audit.snapshot(criterion, CRITERION_FIELDS)}


@use_case
def add_criterion(pool_id: int, actor: User, name: str, description: str, weight: int) -> PoolCriterion:
    """Add a criterion at the end of the pool's list."""
    pool = _pool(pool_id)
    weight = _check_weight(weight)
    position = max((c.position for c in pool.criteria), default=-1) + 1
    criterion = PoolCriterion(pool_id=pool.id, position=position, name=name.strip(),
                              description=description.strip(), weight=weight)
    db.session.add(criterion)
    db.session.flush()
    admin_audit.record(actor, "criterion", criterion.id, "create", None, _snapshot(criterion))
    return criterion


@use_case
def update_criterion(criterion_id: int, actor: User, name: str, description: str, weight: int) -> PoolCriterion:
    """Change a criterion's name, description or weight."""
    criterion = db.session.get(PoolCriterion, criterion_id)
    if criterion is None:
        raise SetupError(_l("Kriteriet findes ikke."))
    weight = _check_weight(weight)
    before = _snapshot(criterion)
    criterion.name, criterion.description, criterion.weight = name.strip(), description.strip(), weight
    admin_audit.record(actor, "criterion", criterion.id, "update", before, _snapshot(criterion))
    return criterion


@use_case
def delete_criterion(criterion_id: int, actor: User) -> None:
    """Remove a criterion from the pool."""
    criterion = db.session.get(PoolCriterion, criterion_id)
    if criterion is None:
        return
    admin_audit.record(actor, "criterion", criterion.id, "delete", _snapshot(criterion), None)
    db.session.delete(criterion)


def _question_list(pool: Pool) -> list[dict]:
    return [{"text": q.text, "qualifying_answer": q.qualifying_answer, "explanation": q.explanation}
            for q in pool.questions]


@use_case
def set_questions(pool_id: int, actor: User, questions: list[QuestionValues]) -> Pool:
    """Replace the pool's eligibility questions (blank ones are dropped; at most four)."""
    pool = _pool(pool_id)
    kept = [q for q in questions if q.text.strip()]
    if len(kept) > MAX_QUESTIONS:
        raise SetupError(_l("Skriv højst fire spørgsmål."))
    before = _question_list(pool)
    pool.questions.clear()
    db.session.flush()
    for i, q in enumerate(kept):
        pool.questions.append(EligibilityQuestion(position=i, text=q.text.strip()[:300],
                                                  qualifying_answer=q.qualifying_answer,
                                                  explanation=q.explanation.strip()))
    db.session.flush()
    admin_audit.record(actor, "question", pool.id, "replace", {"questions": before},
                       {"questions": _question_list(pool)})
    return pool

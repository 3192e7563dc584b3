"""What the public page of a pool shows: facts, criteria, rules, the eligibility check and the form's outline."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from app import clock
from app.extensions import db
from app.forms_runtime import load_spec, outline
from app.models import Pool
from app.services.applying.eligibility import closed_reason
from app.services.pools import forms as form_setup
from app.services.pools.status import PoolGroups, group_pools, status_on
from workflows import registry

ANSWER_WORDS = {"ja": True, "nej": False}


def eligibility_verdict(questions: list, answers: Mapping[int, bool | None]) -> dict:
    """{'complete', 'eligible', 'failed': questions answered the wrong way} for a visitor's answers."""
    complete = all(answers.get(q.id) is not None for q in questions)
    failed = [q for q in questions if answers.get(q.id) is not None and answers[q.id] != q.qualifying_answer]
    return {"complete": complete, "eligible": complete and not failed, "failed": failed}


# Premises are lent through their own pages (/lokaler/): the pool that carries booking cases has no budget
# and no form, so it is never listed or shown as a pool one can apply to.
LISTED_AS_POOL = Pool.workflow != registry.PREMISES_LOAN


def is_premises_pool(slug: str) -> bool:
    """True when `slug` names the pool behind premises loans (its address leads to the premises pages)."""
    return db.session.scalar(db.select(Pool.id).where(Pool.slug == slug[:120], ~LISTED_AS_POOL)) is not None


def published_pool(slug: str) -> Pool | None:
    """A published pool one applies to by form, with its criteria, rounds, questions and committee loaded."""
    return db.session.scalar(
        db.select(Pool).where(Pool.slug == slug[:120], Pool.is_published.is_(True), LISTED_AS_POOL)
        .options(db.selectinload(Pool.criteria), db.selectinload(Pool.rounds), db.selectinload(Pool.questions),
                 db.joinedload(Pool.committee)))


def public_listing(today: date) -> PoolGroups:
    """Published pools as visitors see them on `today`: open, taking late applications, opening later, closed.

    One query (rounds and committee loaded alongside); the grouping is done in Python.
    """
    pools = db.session.scalars(
        db.select(Pool).where(Pool.is_published.is_(True), LISTED_AS_POOL)
        .options(db.selectinload(Pool.rounds), db.joinedload(Pool.committee)).order_by(Pool.name)).all()
    return group_pools(pools, today)


def public_view(slug: str, args: Mapping[str, str], today: date | None = None) -> dict | None:
    """Everything the pool page needs, or None when no published pool has that address."""
    pool = published_pool(slug)
    if pool is None:
        return None
    answers = {q.id: ANSWER_WORDS.get((args.get(f"q{q.id}") or "").lower()) for q in pool.questions}
    asked = any(value is not None for value in answers.values())
    version = form_setup.latest_published(pool.id)
    today = today or clock.today()
    status = status_on(pool, today)
    return {"pool": pool, "answers": answers,
            "verdict": eligibility_verdict(pool.questions, answers) if asked else None,
            "form_steps": outline(load_spec(version.id)) if version else [],
            "form_version": version, "next_deadline": pool.next_deadline(today), "status": status,
            "closed_reason": None if status.accepts_applications else closed_reason(pool, today)}

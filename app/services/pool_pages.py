"""What the public page of a pool shows: facts, criteria, rules, the eligibility check and the form's outline."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from app.extensions import db
from app.models import Pool
from app.services import forms as form_setup

ANSWER_WORDS = {"ja": True, "nej": False}


def eligibility_verdict(questions: list, answers: Mapping[int, bool | None]) -> dict:
    """{'complete', 'eligible', 'failed': questions answered the wrong way} for a visitor's answers."""
    complete = all(answers.get(q.id) is not None for q in questions)
    failed = [q for q in questions if answers.get(q.id) is not None and answers[q.id] != q.qualifying_answer]
    return {"complete": complete, "eligible": complete and not failed, "failed": failed}


def published_pool(slug: str) -> Pool | None:
    """A published pool with its criteria, rounds, questions and committee loaded."""
    return db.session.scalar(
        db.select(Pool).where(Pool.slug == slug[:120], Pool.is_published.is_(True))
        .options(db.selectinload(Pool.criteria), db.selectinload(Pool.rounds), db.selectinload(Pool.questions),
                 db.joinedload(Pool.committee)))


def public_view(slug: str, args: Mapping[str, str], today: date | None = None) -> dict | None:
    """Everything the pool page needs, or None when no published pool has that address."""
    from app.forms_runtime import load_spec, outline
    pool = published_pool(slug)
    if pool is None:
        return None
    answers = {q.id: ANSWER_WORDS.get((args.get(f"q{q.id}") or "").lower()) for q in pool.questions}
    asked = any(value is not None for value in answers.values())
    version = form_setup.latest_published(pool.id)
    return {"pool": pool, "answers": answers,
            "verdict": eligibility_verdict(pool.questions, answers) if asked else None,
            "form_steps": outline(load_spec(version.id)) if version else [],
            "form_version": version, "next_deadline": pool.next_deadline(today or date.today())}

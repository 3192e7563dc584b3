"""Property: whatever sequence of decisions and corrections is tried, a pool never grants more than its budget."""
from __future__ import annotations

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st

from app.extensions import db
from app.models import Decision
from app.services.cases.guard import NotAllowed
from app.services.committee import decisions
from app.services.pools import ledger, limits
from workflows import TransitionNotAllowed

DECIDE = st.tuples(st.just("decide"), st.integers(1, 12).map(lambda n: n * 1_000),
                   st.sampled_from(["decide_grant", "decide_partly", "decide_reject"]), st.integers(0, 100))
CORRECT = st.tuples(st.just("correct"), st.integers(0, 12).map(lambda n: n * 1_000), st.integers(0, 5))
STEPS = st.lists(st.one_of(DECIDE, CORRECT), min_size=1, max_size=6)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(budget=st.integers(0, 30).map(lambda n: n * 1_000), steps=STEPS)
def test_granted_never_exceeds_the_budget(money, budget, steps):
    pool = money.new_pool(budget=budget, delegation_limit=10_000)
    decided = []
    for step in steps:
        try:
            _run(money, pool, step, decided)
        except (limits.AmountRefused, TransitionNotAllowed, NotAllowed):
            pass  # a refusal is an allowed answer; overspending is not
        books = ledger.ledger(pool.id)
        assert books.granted <= books.budget, (steps, books)


def _run(money, pool, step, decided) -> None:
    if step[0] == "decide":
        _, applied, action, share = step
        case = money.recommended(applied=applied, pool=pool)
        amount = max(applied * share // 100, 1) if action == "decide_partly" else None
        money.decide(case, action, amount)
        decided.append(case.id)
    elif decided:
        _, amount, pick = step
        case_id = decided[pick % len(decided)]
        old = db.session.scalars(sa.select(Decision).where(Decision.case_id == case_id)
                                 .order_by(Decision.id.desc())).first()
        if old.amount is not None and old.amount != amount:
            decisions.correct_decision(old.id, money.caseworker, note="Rettet.", reason=old.reason or "Rettet.",
                                       amount=amount)

"""The pool ledger agrees with the rows it sums, after a mixed scenario, and answers in one query."""
from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa

from app.extensions import db
from app.models import Case, Decision, PaymentInstalment, RepaymentClaim
from app.services.committee import decisions
from app.services.pools import ledger
from tests.services.pools.conftest import Money

PAID_AT = datetime(2026, 5, 1, 10, tzinfo=timezone.utc)


def _instalment(case, position, amount, paid):
    db.session.add(PaymentInstalment(case_id=case.id, position=position, due_on=date(2026, 5, 1), amount=amount,
                                     paid_at=PAID_AT if paid else None))


def _claim(case, amount, status):
    db.session.add(RepaymentClaim(case_id=case.id, amount=amount, reason="Ikke brugt.", due_on=date(2026, 7, 1),
                                  status=status))


def _by_rows(pool_id: int) -> dict:
    """The same figures, summed in Python from every row."""
    cases = db.session.scalars(sa.select(Case).where(Case.pool_id == pool_id)).all()
    ids = {c.id for c in cases}
    instalments = db.session.scalars(sa.select(PaymentInstalment)).all()
    claims = db.session.scalars(sa.select(RepaymentClaim)).all()
    return {"granted": sum(c.granted_amount or 0 for c in cases),
            "paid": sum(i.amount for i in instalments if i.case_id in ids and i.paid_at is not None),
            "reclaimed": sum(c.amount for c in claims if c.case_id in ids and c.status == "paid")}


def test_the_ledger_reconciles_with_the_rows_after_a_mixed_scenario(factory):
    money = Money(factory, budget=100_000, delegation_limit=50_000)
    other = money.new_pool(budget=40_000, delegation_limit=50_000)
    a, b, c = (money.recommended(applied=n) for n in (20_000, 15_000, 8_000))
    d = money.recommended(applied=12_000, pool=other)
    money.decide(a)
    money.decide(b, "decide_partly", 10_000)
    money.decide(c, "decide_reject", reason="Uden for formålet.")
    money.decide(d)
    old = db.session.scalar(sa.select(Decision).where(Decision.case_id == a.id))
    decisions.correct_decision(old.id, money.caseworker, note="Skrevet forkert.", reason="", amount=18_000)
    _instalment(a, 1, 9_000, paid=True)
    _instalment(a, 2, 9_000, paid=False)
    _instalment(b, 1, 10_000, paid=True)
    _instalment(d, 1, 12_000, paid=True)
    _claim(a, 2_000, "paid")
    _claim(b, 1_000, "open")
    _claim(b, 500, "cancelled")
    _claim(d, 3_000, "paid")
    db.session.commit()
    books = ledger.ledgers([money.pool.id, other.id])
    for pool in (money.pool, other):
        expected = _by_rows(pool.id)
        got = books[pool.id]
        assert (got.granted, got.paid, got.reclaimed) == (expected["granted"], expected["paid"], expected["reclaimed"])
        assert got.budget == pool.budget and got.free == pool.budget - expected["granted"]
    assert (books[money.pool.id].granted, books[money.pool.id].paid, books[money.pool.id].reclaimed) == \
        (28_000, 19_000, 2_000)
    assert (books[other.id].granted, books[other.id].free) == (12_000, 28_000)
    assert ledger.ledger(money.pool.id) == books[money.pool.id]


def test_the_ledger_of_many_pools_is_one_query(factory):
    money = Money(factory)
    pool_ids = [p.id for p in [money.pool] + [money.new_pool() for _ in range(4)]]
    statements = []

    def seen(conn, cursor, statement, *rest):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        books = ledger.ledgers(pool_ids)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert len(books) == 5 and len(statements) == 1

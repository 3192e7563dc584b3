"""A pool's ledger: budget, granted, paid, reclaimed and free, for any list of pools in one query.

The one source for the committee's budget line, the administrators' pool page and the staff's pool figures.
Free is what the budget rule (pools/limits.py) still allows to be granted: budget less granted. Money paid
back on a repayment claim is shown as reclaimed; it does not flow back into the budget by itself.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func

from app.extensions import db
from app.models import Case, PaymentInstalment, Pool, RepaymentClaim


@dataclass(frozen=True)
class PoolLedger:
    """What a pool has to give, has given, has paid out and has had paid back."""

    pool_id: int
    budget: int
    granted: int
    paid: int
    reclaimed: int

    @property
    def free(self) -> int:
        """What may still be granted (negative when the pool is overspent)."""
        return self.budget - self.granted


def ledgers(pool_ids: list[int]) -> dict[int, PoolLedger]:
    """The ledger of every pool in `pool_ids`, keyed by pool id, in one query."""
    if not pool_ids:
        return {}
    cases = db.select(Case.pool_id.label("pool_id")).where(Case.pool_id.in_(pool_ids))
    granted = _per_pool(func.sum(Case.granted_amount), cases)
    paid = _per_pool(func.sum(PaymentInstalment.amount), cases.join(
        PaymentInstalment, PaymentInstalment.case_id == Case.id).where(PaymentInstalment.paid_at.is_not(None)))
    reclaimed = _per_pool(func.sum(RepaymentClaim.amount), cases.join(
        RepaymentClaim, RepaymentClaim.case_id == Case.id).where(RepaymentClaim.status == "paid"))
    rows = db.session.execute(
        db.select(Pool.id, Pool.budget, func.coalesce(granted.c.total, 0), func.coalesce(paid.c.total, 0),
                  func.coalesce(reclaimed.c.total, 0))
        .outerjoin(granted, granted.c.pool_id == Pool.id).outerjoin(paid, paid.c.pool_id == Pool.id)
        .outerjoin(reclaimed, reclaimed.c.pool_id == Pool.id).where(Pool.id.in_(pool_ids)))
    return {pid: PoolLedger(pid, int(budget), int(g), int(p), int(r)) for pid, budget, g, p, r in rows}


def ledger(pool_id: int) -> PoolLedger:
    """One pool's ledger."""
    return ledgers([pool_id])[pool_id]


def _per_pool(total, select):
    return select.add_columns(total.label("total")).group_by(Case.pool_id).subquery()

"""The money rules, in one place: no grant above the application, the delegation limit, the pool's budget.

Every path that sets a granted amount asks `check_grant` before it changes anything: a delegated decision
and a committee decision (the decide effect), "another amount", a correction, and a payment plan
(`check_plan`). They live with the pools, not in money/: money/ uses the case workflow (payouts move cases
to "paid"), so the cases area may not import money/ without a cycle, and these are the pool's own limits.
"""
from __future__ import annotations

from flask_babel import LazyString, format_decimal, lazy_gettext as _l
from sqlalchemy import func, update

from app.extensions import db
from app.models import Case, PaymentInstalment, Pool


class AmountRefused(Exception):
    """The amount breaks a money rule; `message` is a Danish sentence for the amount field."""

    field = "amount"

    def __init__(self, message: LazyString | str) -> None:
        super().__init__(str(message))
        self.message = message


def kr(amount: int) -> str:
    """An amount as the letters and pages write it: 12.000 kr."""
    return f"{format_decimal(amount, format='#,##0')} kr."


def over_budget(budget: int, granted: int, adding: int) -> bool:
    """True when granting `adding` more on top of `granted` would overspend `budget` (the one budget rule)."""
    return adding > 0 and granted + adding > budget


def check_grant(case: Case, amount: int | None, *, delegated: bool, budget: bool = True) -> None:
    """Refuse `amount` as the case's grant unless it is within the application, the delegation and the budget.

    A case already granted counts only the difference (a correction). The pool row is locked before its
    budget is summed, so concurrent decisions in one pool take turns and can never overspend it together.
    """
    if amount is None or not case.is_grant:
        return
    if amount < 0:
        raise AmountRefused(_l("Beløbet skal være et helt antal kroner fra 0 og op."))
    if case.amount_applied is not None and amount > case.amount_applied:
        raise AmountRefused(_l("Beløbet (%(amount)s) er større end det ansøgte beløb (%(applied)s). "
                               "Der kan ikke bevilges mere, end der er søgt om.",
                               amount=kr(amount), applied=kr(case.amount_applied)))
    pool = case.pool
    if delegated and amount > (pool.delegation_limit or 0):
        raise AmountRefused(_l("Beløbet (%(amount)s) ligger over forvaltningens bemyndigelse (%(limit)s). "
                               "Udvalget skal træffe afgørelsen.",
                               amount=kr(amount), limit=kr(pool.delegation_limit or 0)))
    if budget:  # False: the caller has checked the pool's budget for everything it grants (a meeting's close)
        check_budget(case, amount)


def check_budget(case: Case, amount: int) -> None:
    """Refuse when the pool's granted total, with `amount` in place of the case's present grant, exceeds the budget."""
    previous = case.granted_amount or 0
    if amount <= previous:
        return  # a smaller grant never overspends
    pool = lock_pool(case.pool_id)
    others = granted_in_pool(pool.id) - previous
    if over_budget(pool.budget, others, amount):
        raise AmountRefused(_l("Puljen %(pool)s har %(left)s tilbage af budgettet, så %(amount)s kan ikke bevilges.",
                               pool=pool.name, left=kr(max(pool.budget - others, 0)), amount=kr(amount)))


def lock_pool(pool_id: int) -> Pool:
    """The pool row, locked until the unit of work ends (and loaded fresh)."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks: a write takes its one writer lock, so the budget sum below is current. A write
        # of nothing: updated_at is set to itself, or its onupdate would show the API an unchanged pool as changed.
        db.session.execute(update(Pool).where(Pool.id == pool_id)
                           .values(budget=Pool.budget, updated_at=Pool.updated_at)
                           .execution_options(synchronize_session=False))
    return db.session.get(Pool, pool_id, with_for_update=True, populate_existing=True)


def granted_in_pool(pool_id: int) -> int:
    """The sum of the granted amounts of the pool's cases (pending changes flushed first)."""
    return int(db.session.scalar(db.select(func.coalesce(func.sum(Case.granted_amount), 0))
                                 .where(Case.pool_id == pool_id)) or 0)


def planned_for(case_id: int) -> int:
    """The sum of the case's payment instalments (paid or not)."""
    return int(db.session.scalar(db.select(func.coalesce(func.sum(PaymentInstalment.amount), 0))
                                 .where(PaymentInstalment.case_id == case_id)) or 0)


def check_plan(case: Case, adding: int) -> None:
    """Refuse instalments that would sum above the granted amount."""
    planned, granted = planned_for(case.id), case.granted_amount or 0
    if planned + adding > granted:
        raise AmountRefused(_l("Udbetalingerne (%(planned)s) ville overstige det bevilgede beløb (%(granted)s).",
                               planned=kr(planned + adding), granted=kr(granted)))


def committed_for(case_id: int) -> int:
    """The sum of the case's instalments that have left the plan: in a payout batch or paid."""
    return int(db.session.scalar(db.select(func.coalesce(func.sum(PaymentInstalment.amount), 0)).where(
        PaymentInstalment.case_id == case_id,
        PaymentInstalment.batch_id.is_not(None) | PaymentInstalment.paid_at.is_not(None))) or 0)


def check_correction_against_plan(case: Case, amount: int) -> None:
    """A corrected grant may not fall below what is already on its way or paid (open instalments are re-planned)."""
    committed = committed_for(case.id)
    if amount < committed:
        raise AmountRefused(_l("Der er allerede sendt eller udbetalt %(committed)s, så bevillingen kan ikke rettes "
                               "til %(amount)s – opret i stedet et krav om tilbagebetaling for forskellen.",
                               committed=kr(committed), amount=kr(amount)))

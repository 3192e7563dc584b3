"""The money rules on every path that sets an amount: over the application, over delegation, over budget.

Every refusal is a Danish sentence and writes nothing: the rows are counted before and after.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Case, CaseEvent, Decision, MoneyApproval, OutboxMessage, PaymentInstalment
from app.services.cases import transitions
from app.services.committee import decisions, meetings
from app.services.money import payouts
from app.services.pools import limits
from tests.services.pools.conftest import count
from workflows import TransitionNotAllowed


def _written() -> tuple[int, int, int, int]:
    return count(Decision), count(CaseEvent), count(OutboxMessage), count(PaymentInstalment)


def _granted(case_id: int) -> int | None:
    db.session.expire_all()
    return db.session.get(Case, case_id).granted_amount


# --- delegated decision, "another amount" ------------------------------------------------------------

def test_another_amount_above_the_application_is_refused(money):
    case = money.recommended(applied=12_000, recommended=10_000)
    before = _written()
    with pytest.raises(limits.AmountRefused, match="større end det ansøgte beløb"):
        money.decide(case, "decide_partly", 13_000)
    assert _written() == before and _granted(case.id) is None
    assert db.session.get(Case, case.id).state == "recommended"


def test_the_delegation_limit_weighs_the_amount_granted_not_the_recommendation(money):
    """Recommend 1,000 kr., then grant 14,999 kr. under a 10,000 kr. limit: the committee must decide."""
    pool = money.new_pool(budget=100_000, delegation_limit=10_000)
    case = money.recommended(applied=20_000, recommended=1_000, pool=pool)
    before = _written()
    with pytest.raises(TransitionNotAllowed) as refused:
        money.decide(case, "decide_partly", 14_999)
    assert refused.value.guard == "within_delegation_limit" and "bemyndigelse" in refused.value.message
    assert _written() == before and _granted(case.id) is None
    money.decide(case, "decide_partly", 9_000)  # within the limit it is the caseworker's decision
    assert _granted(case.id) == 9_000


def test_a_partial_grant_within_the_limit_is_delegated_even_when_the_recommendation_is_above_it(money):
    pool = money.new_pool(budget=100_000, delegation_limit=10_000)
    case = money.recommended(applied=20_000, recommended=20_000, pool=pool)
    money.decide(case, "decide_partly", 8_000)
    decision = db.session.scalar(db.select(Decision).where(Decision.case_id == case.id))
    assert decision.delegated and decision.amount == 8_000


def test_the_delegation_limit_is_checked_again_where_the_amount_is_recorded(money):
    """Defence in depth: the decide effect refuses even if a guard was not asked (a full grant above the limit)."""
    pool = money.new_pool(budget=100_000, delegation_limit=15_000)
    case = money.recommended(applied=16_000, recommended=16_000, pool=pool)
    with pytest.raises(limits.AmountRefused, match="bemyndigelse"):
        limits.check_grant(case, 16_000, delegated=True)
    limits.check_grant(case, 16_000, delegated=False)  # the committee has no delegation limit


def test_delegated_grants_never_overspend_the_pool(money):
    """Three 10,000 kr. grants from a 15,000 kr. pool: the second and third are refused."""
    cases = [money.recommended(applied=10_000) for _ in range(3)]
    money.decide(cases[0])
    for case in cases[1:]:
        before = _written()
        with pytest.raises(limits.AmountRefused, match="har 5.000 kr. tilbage af budgettet"):
            money.decide(case)
        assert _written() == before and _granted(case.id) is None
    money.decide(cases[1], "decide_partly", 5_000)  # exactly the rest fits
    assert limits.granted_in_pool(money.pool.id) == 15_000


def test_a_rejection_needs_no_budget(money):
    full = money.recommended(applied=15_000)
    money.decide(full)
    other = money.recommended(applied=10_000)
    money.decide(other, "decide_reject", reason="Puljen er brugt.")
    assert _granted(other.id) == 0


# --- committee decision (meeting close) -----------------------------------------------------------------

def test_the_meeting_close_refuses_a_grant_above_the_budget_and_writes_nothing(money):
    pool = money.new_pool(budget=30_000, delegation_limit=5_000)
    first = money.recommended(applied=5_000, pool=pool)
    money.decide(first)  # 5,000 granted under delegation; 25,000 left
    big = money.recommended(applied=26_000, pool=pool)
    transitions.perform(big.id, "send_to_committee", money.caseworker)
    meeting = meetings.create_meeting(money.committee.id, clock.today() + timedelta(days=7), "Møde", "Rådhuset",
                                      money.caseworker)
    meetings.add_to_agenda(meeting.id, [big.id], money.caseworker)
    item = meetings.items_of(meeting.id)[0]
    meetings.record_proposal(meeting.id, item.id, money.chair, meetings.ProposalInput("grant"))
    before = _written()
    with pytest.raises(decisions.CloseRefused) as refused:
        decisions.close_meeting(meeting.id, money.chair)
    assert "har 25.000 kr. tilbage" in str(refused.value)
    assert _written() == before and _granted(big.id) is None


def test_the_meeting_close_and_a_delegated_decision_share_one_budget_rule(money):
    assert limits.over_budget(15_000, 10_000, 5_001) and not limits.over_budget(15_000, 10_000, 5_000)
    assert not limits.over_budget(15_000, 20_000, 0)  # nothing added never overspends


# --- correction ("Ret afgørelse") -------------------------------------------------------------------------

def _corrected(money, case, amount):
    old = db.session.scalar(db.select(Decision).where(Decision.case_id == case.id))
    return decisions.correct_decision(old.id, money.caseworker, note="Beløbet var forkert.",
                                      reason=old.reason or "", amount=amount)


@pytest.mark.parametrize("amount, words", [
    (9_999_999, "større end det ansøgte beløb"),   # over the application
    (12_000, "større end det ansøgte beløb"),
])
def test_a_correction_above_the_application_is_refused(money, amount, words):
    case = money.recommended(applied=10_000)
    money.decide(case)
    before = _written()
    with pytest.raises(limits.AmountRefused, match=words):
        _corrected(money, case, amount)
    assert _written() == before and _granted(case.id) == 10_000


def test_under_four_eyes_a_proposed_correction_above_the_application_is_refused_before_it_waits(money, app):
    app.config["FOUR_EYES"] = True
    case = money.recommended(applied=10_000)
    money.decide(case)
    before = _written()
    with pytest.raises(limits.AmountRefused, match="større end det ansøgte beløb"):
        _corrected(money, case, 12_000)
    assert _written() == before and _granted(case.id) == 10_000
    assert count(MoneyApproval) == 0  # no proposal is left waiting for approval


def test_a_correction_of_a_delegated_decision_stays_within_the_delegation_limit(money):
    pool = money.new_pool(budget=100_000, delegation_limit=10_000)
    case = money.recommended(applied=20_000, recommended=8_000, pool=pool)
    money.decide(case, "decide_partly", 8_000)
    before = _written()
    with pytest.raises(limits.AmountRefused, match="bemyndigelse"):
        _corrected(money, case, 12_000)
    assert _written() == before and _granted(case.id) == 8_000


def test_a_correction_counts_only_the_difference_against_the_budget(money):
    first, second = money.recommended(applied=10_000), money.recommended(applied=10_000, recommended=4_000)
    money.decide(first)
    money.decide(second, "decide_partly", 4_000)  # 14,000 of 15,000 granted
    with pytest.raises(limits.AmountRefused, match="budgettet"):
        _corrected(money, second, 6_000)  # +2,000 does not fit
    assert _granted(second.id) == 4_000
    _corrected(money, second, 5_000)  # +1,000 fits exactly
    assert limits.granted_in_pool(money.pool.id) == 15_000


def test_a_correction_may_not_go_below_what_is_sent_for_payment(money):
    case = money.recommended(applied=10_000)
    money.decide(case)
    payouts.create_plans(money.caseworker)
    payouts.create_batch(money.caseworker, clock.today())  # the payment leaves the plan
    before = _written()
    with pytest.raises(limits.AmountRefused, match="allerede sendt eller udbetalt"):
        _corrected(money, case, 6_000)
    assert _written() == before and _granted(case.id) == 10_000


# --- payment plan -----------------------------------------------------------------------------------------

def test_instalments_never_sum_above_the_grant(money):
    case = money.recommended(applied=10_000)
    money.decide(case)
    assert payouts.create_plans(money.caseworker) == 1
    assert sum(i.amount for i in payouts.plan(case.id)) == 10_000
    with pytest.raises(limits.AmountRefused, match="overstige det bevilgede beløb"):
        limits.check_plan(db.session.get(Case, case.id), 1)



def test_the_database_refuses_a_grant_above_the_application_even_without_the_service(money):
    case = money.recommended(applied=10_000)
    row = db.session.get(Case, case.id)
    row.granted_amount = 10_001
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    row = db.session.get(Case, case.id)
    row.granted_amount = -1
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()

"""Quarterly advances: a pool's instalments `instalment_interval` months apart, planned, re-planned and described."""
from __future__ import annotations

from datetime import date

from hypothesis import given, strategies as st

from app import clock
from app.extensions import db
from app.models import Decision
from app.pdf.letter import compose, instalments_text
from app.services.committee import decisions
from app.services.money import payouts
from app.services.money.payouts import add_months
from tests.pdf.conftest import letter


def test_quarterly_advances_fall_every_third_month():
    start = date(2027, 1, 31)
    assert payouts.plan_for(10_000, "instalments", 4, True, start, 3) == [
        (date(2027, 1, 31), 2_500), (date(2027, 4, 30), 2_500), (date(2027, 7, 31), 2_500), (date(2027, 10, 31), 2_500)]
    # Paid after each quarter when the pool does not pay in advance.
    assert [d for d, _a in payouts.plan_for(1_001, "instalments", 4, False, start, 3)] == [
        date(2027, 4, 30), date(2027, 7, 31), date(2027, 10, 31), date(2028, 1, 31)]
    assert payouts.plan_for(1_001, "instalments", 4, False, start, 3)[0][1] == 251
    # The interval is the default one month when not given (as every plan was before).
    assert payouts.plan_for(900, "instalments", 3, True, start) == payouts.plan_for(900, "instalments", 3, True, start, 1)
    # One payment is one payment whatever the interval.
    assert payouts.plan_for(900, "single", 1, True, start, 3) == [(start, 900)]


@given(amount=st.integers(min_value=1, max_value=5_000_000), count=st.integers(min_value=2, max_value=24),
       interval=st.integers(min_value=1, max_value=12), advance=st.booleans(),
       start=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)))
def test_a_plan_sums_to_the_grant_and_keeps_its_interval(amount, count, interval, advance, start):
    rows = payouts.plan_for(amount, "instalments", count, advance, start, interval)
    assert sum(a for _d, a in rows) == amount and all(a > 0 for _d, a in rows)
    assert len(rows) == min(count, amount)
    first = 0 if advance else 1
    assert [d for d, _a in rows] == [add_months(start, (first + i) * interval) for i in range(len(rows))]
    assert max(a for _d, a in rows) - min(a for _d, a in rows) < len(rows)  # an even split in whole kroner


def test_a_quarterly_pool_plans_its_grants_quarterly_and_a_correction_keeps_the_quarters(world, app):
    app.config["FOUR_EYES"] = False
    world.rate_pool.instalment_count, world.rate_pool.instalment_interval = 4, 3
    db.session.commit()
    case = world.granted(20_000, pool=world.rate_pool)
    payouts.create_plans(world.caseworker)
    start = clock.local(case.decided_at).date()
    rows = payouts.plan(case.id)
    assert [(r.due_on, r.amount) for r in rows] == [(add_months(start, 3 * i), 5_000) for i in range(4)]
    payouts.create_batch(world.caseworker, clock.today())  # the first quarter's advance leaves
    decision = db.session.scalar(db.select(Decision).where(Decision.case_id == case.id))
    decisions.correct_decision(decision.id, world.caseworker, note="Færre timer.", reason="Færre timer.",
                               amount=14_000)
    db.session.expire_all()
    assert [(r.due_on, r.amount) for r in payouts.plan(case.id)] == [
        (start, 5_000), (add_months(start, 3), 3_000), (add_months(start, 6), 3_000), (add_months(start, 9), 3_000)]


def test_the_letter_says_how_far_apart_the_instalments_are():
    assert instalments_text(2, 1) == "i 2 rater"
    assert instalments_text(4, 3) == "i 4 rater, én hvert kvartal,"
    assert instalments_text(2, 6) == "i 2 rater, én hvert halve år,"
    assert instalments_text(3, 2) == "i 3 rater med 2 måneders mellemrum"


def test_a_quarterly_decision_letter_names_the_quarters():
    body = " ".join(b.text for b in compose(letter(payment_instalments=4, payment_interval_months=3)).body)
    assert "Vi udbetaler tilskuddet i 4 rater, én hvert kvartal, til foreningens NemKonto (CVR-nr. 12345674)." in body
    monthly = " ".join(b.text for b in compose(letter(payment_instalments=4)).body)
    assert "i 4 rater til foreningens NemKonto" in monthly


def test_the_case_page_previews_the_quarterly_plan_before_it_is_made(world):
    from app.staff.decision_page import next_steps
    world.rate_pool.instalment_count, world.rate_pool.instalment_interval = 4, 3
    db.session.commit()
    case = world.granted(8_000, pool=world.rate_pool)
    start = max(clock.local(case.decided_at).date(), clock.today())
    steps = next_steps(case)
    assert not steps.planned and steps.payments == [(add_months(start, 3 * i), 2_000) for i in range(4)]

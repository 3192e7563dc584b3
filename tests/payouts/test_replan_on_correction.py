"""A corrected grant re-plans what is not yet sent: sent and paid instalments stay, the open ones carry the rest."""
import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Decision, PaymentInstalment
from app.services.committee import decisions
from app.services.money import payouts
from app.services.pools import limits


def _rows(case_id):
    return [(r.position, r.amount, r.batch_id is not None) for r in payouts.plan(case_id)]


def _decision(case):
    return db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id).order_by(Decision.id.desc()))


def test_a_lowered_grant_re_plans_the_open_instalments(world, app):
    app.config["FOUR_EYES"] = False  # the to-mandsregel is tested with corrections elsewhere
    case = world.granted(18_000, pool=world.rate_pool)
    payouts.create_plans(world.caseworker)
    batch = payouts.create_batch(world.caseworker, clock.today())  # the first instalment (paid in advance) leaves
    assert [amount for _, amount, sent in _rows(case.id) if sent] == [6_000]
    dates = [r.due_on for r in payouts.plan(case.id)][1:]
    decisions.correct_decision(_decision(case).id, world.caseworker, note="Aktiviteten blev mindre.",
                               reason="Lejren er forkortet.", amount=12_000)
    db.session.expire_all()
    assert _rows(case.id) == [(1, 6_000, True), (2, 3_000, False), (3, 3_000, False)]
    assert [r.due_on for r in payouts.plan(case.id)][1:] == dates
    assert limits.planned_for(case.id) == 12_000 and batch.id is not None


def test_a_grant_cannot_fall_below_what_has_been_sent(world, app):
    app.config["FOUR_EYES"] = False
    case = world.granted(18_000, pool=world.rate_pool)
    payouts.create_plans(world.caseworker)
    payouts.create_batch(world.caseworker, clock.today())
    before = _rows(case.id)
    with pytest.raises(limits.AmountRefused) as refused:
        decisions.correct_decision(_decision(case).id, world.caseworker, note="Fejl.", reason="Fejl.", amount=5_000)
    assert "tilbagebetaling" in str(refused.value.message) and "6.000" in str(refused.value.message)
    db.session.expire_all()
    assert _rows(case.id) == before and db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 1


def test_a_raised_grant_without_open_instalments_is_due_at_once(world, app):
    app.config["FOUR_EYES"] = False
    case = world.granted(10_000, pool=world.pool)  # one payment at once
    world.pool.max_amount = None
    payouts.create_plans(world.caseworker)
    payouts.create_batch(world.caseworker, clock.today())
    case.amount_applied = 12_000
    db.session.commit()
    decisions.correct_decision(_decision(case).id, world.caseworker, note="Regnefejl.", reason="", amount=12_000)
    db.session.expire_all()
    assert _rows(case.id) == [(1, 10_000, True), (2, 2_000, False)]
    assert payouts.plan(case.id)[1].due_on == clock.today()

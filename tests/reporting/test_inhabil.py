"""Forvaltningsloven § 3 on repayment claims: an inhabil caseworker is refused in Danish and nothing is written."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import CaseEvent, ConflictDeclaration, RepaymentClaim
from app.services.cases.guard import NotAllowed
from app.services.money import repayment


def _inhabil(case, user):
    db.session.add(ConflictDeclaration(case_id=case.id, user_id=user.id, reason="Min bror er formand"))
    db.session.commit()


def _events(case):
    return db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id))


def test_inhabil_caseworker_cannot_claim_money_back(world):
    case = world.report_due(10_000)
    _inhabil(case, world.caseworker)
    before = _events(case)
    with pytest.raises(NotAllowed) as refused:
        repayment.create_claim(case.id, world.caseworker, 1_000, "Ikke brugt", clock.today() + timedelta(days=30))
    assert "inhabil" in str(refused.value.message) and case.number in str(refused.value.message)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RepaymentClaim)) == 0
    assert _events(case) == before


@pytest.mark.parametrize("status", ["paid", "cancelled"])
def test_inhabil_caseworker_cannot_settle_a_claim(world, status):
    case = world.report_due(10_000)
    claim = repayment.create_claim(case.id, world.caseworker, 1_000, "Ikke brugt", clock.today() + timedelta(days=30))
    _inhabil(case, world.caseworker)
    before = _events(case)
    with pytest.raises(NotAllowed) as refused:
        repayment.settle_claim(claim.id, world.caseworker, status)
    assert "inhabil" in str(refused.value.message)
    db.session.expire_all()
    assert db.session.get(RepaymentClaim, claim.id).status == "open" and _events(case) == before

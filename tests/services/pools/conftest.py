"""A pool with a small budget and a delegation limit, a caseworker, a committee, and cases ready to decide."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Case
from app.services.cases import core as case_service
from app.services.cases import transitions


class Money:
    """Staff, a committee and a pool (budget 15,000 kr., delegation limit 15,000 kr.)."""

    def __init__(self, factory, budget: int = 15_000, delegation_limit: int = 15_000) -> None:
        self.factory = factory
        self.applicant = factory.user(email="karen@example.dk", name="Karen Holm")
        self.caseworker = factory.user(role="caseworker", email="mette@kommune.dk", name="Mette Sørensen")
        self.chair = factory.user(role="committee_member", email="lise@kommune.dk", name="Lise Dahl")
        self.committee = factory.committee(name="Kultur- og Fritidsudvalget", chair=self.chair)
        self.pool = factory.pool(committee=self.committee, budget=budget, delegation_limit=delegation_limit)
        self.association = factory.association(members=(self.applicant,))
        db.session.commit()
        # These tests are about the limits: a correction takes effect at once. The to-mandsregel, where a
        # second person approves it first, is tested in tests/staff and tests/committee.
        current_app.config["FOUR_EYES"] = False

    def new_pool(self, **kw):
        pool = self.factory.pool(committee=self.committee, **kw)
        db.session.commit()
        return pool

    def recommended(self, applied: int, recommended: int | None = None, pool=None) -> Case:
        """A case in state "recommended", hearing confirmed, so every decision is open to the caseworker."""
        case = case_service.create_draft(pool or self.pool, self.association, self.applicant, "Sommerlejr", applied,
                                         {"description": "Sommerlejr"})
        transitions.perform(case.id, "submit", self.applicant)
        for action in ("start_screening", "start_assessment"):
            transitions.perform(case.id, action, self.caseworker)
        row = db.session.get(Case, case.id)
        row.recommended_amount = applied if recommended is None else recommended
        row.hearing_confirmed = True
        db.session.commit()
        transitions.perform(case.id, "recommend", self.caseworker)
        return db.session.get(Case, case.id)

    def decide(self, case: Case, action: str = "decide_grant", amount: int | None = None, reason: str = "Delvis."):
        given = transitions.ActionInput(reason=None if action == "decide_grant" else reason, amount=amount)
        return transitions.perform(case.id, action, self.caseworker, given=given)


def count(model, *where) -> int:
    """Rows of `model` (matching `where`), read fresh."""
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture
def money(factory) -> Money:
    return Money(factory)

"""A small municipality for the caseworker tests: staff, an association, a pool and submitted cases."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Case
from app.services.cases import core as case_service
from app.services.cases import transitions
from tests.factories import (AssociationFactory, CaseworkerFactory, CommitteeFactory, CommitteeUserFactory,
                             PoolFactory, UserFactory)


class World:
    """People, a pool with two criteria (weights 2 and 1) and helpers that make cases."""

    def __init__(self) -> None:
        self.member = UserFactory(email="karen@example.dk", full_name="Karen Holm")
        self.caseworker = CaseworkerFactory(email="mette@kommune.dk", full_name="Mette Sørensen")
        self.colleague = CaseworkerFactory(email="jonas@kommune.dk", full_name="Jonas Bæk")
        self.chair = CommitteeUserFactory(email="chair@kommune.dk", full_name="Lise Dahl")
        self.committee = CommitteeFactory(chair=self.chair)
        self.pool = PoolFactory(committee=self.committee, delegation_limit=20_000, reply_days=14,
                                appeal_text="I kan klage til kommunen inden 4 uger.")
        self.association = AssociationFactory(name="Boldklubben Nordstjernen", cvr="12345674", members=(self.member,))
        db.session.commit()

    def draft(self, title: str = "Sommerlejr", amount: int | None = 10_000, association=None, pool=None,
              data: dict | None = None, applicant=None) -> Case:
        return case_service.create_draft(pool or self.pool, association or self.association,
                                         applicant or self.member, title, amount,
                                         data or {"description": f"{title} for børn"})

    def submitted(self, *actions: str, applicant=None, **kw) -> Case:
        """A submitted case, moved on by the caseworker through `actions`."""
        case = self.draft(applicant=applicant, **kw)
        transitions.perform(case.id, "submit", applicant or self.member)
        for action in actions:
            transitions.perform(case.id, action, self.caseworker)
        db.session.expire_all()
        return db.session.get(Case, case.id)


@pytest.fixture
def world(app) -> World:
    return World()


def fresh(case: Case) -> Case:
    """The case as stored now."""
    db.session.expire_all()
    return db.session.get(Case, case.id)

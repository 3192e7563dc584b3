"""A small municipality for the caseworker tests: staff, an association, a pool and submitted cases."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Case
from app.services import cases as case_service
from app.services import transitions


class World:
    """People, a pool with two criteria (weights 2 and 1) and helpers that make cases."""

    def __init__(self, factory) -> None:
        self.member = factory.user(email="karen@example.dk", name="Karen Holm")
        self.caseworker = factory.user(role="caseworker", email="mette@kommune.dk", name="Mette Sørensen")
        self.colleague = factory.user(role="caseworker", email="jonas@kommune.dk", name="Jonas Bæk")
        self.chair = factory.user(role="committee_member", email="chair@kommune.dk", name="Lise Dahl")
        self.committee = factory.committee(chair=self.chair)
        self.pool = factory.pool(committee=self.committee, delegation_limit=20_000, reply_days=14,
                                 appeal_text="Du kan klage til kommunen inden 4 uger.")
        self.association = factory.association(name="Boldklubben Nordstjernen", cvr="12345674",
                                               members=(self.member,))
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
def world(factory) -> World:
    return World(factory)


def fresh(case: Case) -> Case:
    """The case as stored now."""
    db.session.expire_all()
    return db.session.get(Case, case.id)

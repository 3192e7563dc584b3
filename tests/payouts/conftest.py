"""A municipality with decided grants: one by CVR, one in instalments, one to an informal group."""
from __future__ import annotations

import pytest

from app.extensions import db
from tests.factories import (AssociationFactory, CaseworkerFactory, CommitteeFactory, InformalGroupFactory,
                             PoolFactory, UserFactory)


class World:
    def __init__(self, factory) -> None:
        self.member = UserFactory(email="karen@example.dk", full_name="Karen Holm")
        self.other_member = UserFactory(email="ole@example.dk", full_name="Ole Olsen")
        self.caseworker = CaseworkerFactory(email="mette@kommune.dk", full_name="Mette Sørensen")
        self.committee = CommitteeFactory(name="Kultur- og Fritidsudvalget")
        self.pool = PoolFactory(committee=self.committee, name="Aktivitetspuljen", report_due_days=60)
        self.rate_pool = PoolFactory(committee=self.committee, name="Ratepuljen", payment_mode="instalments",
                                     instalment_count=3, advance_allowed=True)
        self.new_pool = PoolFactory(committee=self.committee, workflow="new_initiative", name="Nye initiativer",
                                    applicants="informal")
        self.association = AssociationFactory(name="Boldklubben Nordstjernen", cvr="12345674", members=(self.member,))
        self.other = AssociationFactory(name="Skakklubben", cvr="29403473", members=(self.other_member,))
        self.group_member = UserFactory(email="gruppe@example.dk", full_name="Gitte Gruppe")
        self.group = InformalGroupFactory(name="Forældregruppen", contact_person="Gitte Gruppe",
                                          contact_email="gruppe@example.dk", members=(self.group_member,))
        db.session.commit()
        self.factory = factory  # decided cases go through the services (factories.decided_case)

    def approve(self, batch) -> None:
        """The to-mandsregel's second person (a colleague, made on first use) approves the batch."""
        from app.models import User
        from app.services.money import payouts
        colleague = db.session.scalar(db.select(User).where(User.email == "jonas@kommune.dk")) \
            or self.factory.user(role="caseworker", email="jonas@kommune.dk", name="Jonas Bæk")
        db.session.commit()
        payouts.answer_batch(batch.id, colleague, approve=True)

    def granted(self, amount: int = 10_000, pool=None, association=None, applicant=None, title="Sommerlejr"):
        return self.factory.decided_case(pool or self.pool, association or self.association,
                                         applicant or self.member, self.caseworker, amount, title)


@pytest.fixture
def world(factory) -> World:
    return World(factory)

"""A municipality with decided grants: one by CVR, one in instalments, one to an informal group."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Association, Membership


class World:
    def __init__(self, factory) -> None:
        self.member = factory.user(email="karen@example.dk", name="Karen Holm")
        self.other_member = factory.user(email="ole@example.dk", name="Ole Olsen")
        self.caseworker = factory.user(role="caseworker", email="mette@kommune.dk", name="Mette Sørensen")
        self.committee = factory.committee(name="Kultur- og Fritidsudvalget")
        self.pool = factory.pool(committee=self.committee, name="Aktivitetspuljen", report_due_days=60)
        self.rate_pool = factory.pool(committee=self.committee, name="Ratepuljen", payment_mode="instalments",
                                      instalment_count=3, advance_allowed=True)
        self.new_pool = factory.pool(committee=self.committee, workflow="new_initiative", name="Nye initiativer",
                                     applicants="informal")
        self.association = factory.association(name="Boldklubben Nordstjernen", cvr="12345674",
                                               members=(self.member,))
        self.other = factory.association(name="Skakklubben", cvr="29403473", members=(self.other_member,))
        self.group_member = factory.user(email="gruppe@example.dk", name="Gitte Gruppe")
        self.group = Association(name="Forældregruppen", cvr=None, is_informal=True, contact_person="Gitte Gruppe",
                                 contact_email="gruppe@example.dk")
        db.session.add(self.group)
        db.session.flush()
        db.session.add(Membership(user_id=self.group_member.id, association_id=self.group.id, role="chair"))
        db.session.commit()
        self.factory = factory

    def granted(self, amount: int = 10_000, pool=None, association=None, applicant=None, title="Sommerlejr"):
        return self.factory.decided_case(pool or self.pool, association or self.association,
                                         applicant or self.member, self.caseworker, amount, title)


@pytest.fixture
def world(factory) -> World:
    return World(factory)

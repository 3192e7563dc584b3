"""A committee with a chair, a member and a meeting, and cases waiting for it; plus the real-service fixtures."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import Case
from app.services.cases import core as case_service
from app.services.committee import meetings
from app.services.cases import transitions
from tests.factories import (AdministratorFactory, AssociationFactory, CaseworkerFactory, CommitteeFactory,
                             CommitteeUserFactory, PoolFactory, UserFactory)
from tests.tasks.conftest import (broker_app, celery_env, private_redis, smtp_sink, start_celery,  # noqa: F401
                                  worker)


class World:
    """Staff, a committee (chair + member), an outsider committee member, a pool, applicants."""

    def __init__(self) -> None:
        self.applicant = UserFactory(email="karen@example.dk", full_name="Karen Holm")
        self.caseworker = CaseworkerFactory(email="mette@kommune.dk", full_name="Mette Sørensen", phone="70 10 20 31")
        self.admin = AdministratorFactory(email="anne@kommune.dk", full_name="Anne Admin")
        self.chair = CommitteeUserFactory(email="lise@kommune.dk", full_name="Lise Dahl")
        self.member = CommitteeUserFactory(email="ahmed@kommune.dk", full_name="Ahmed Hansen")
        self.outsider = CommitteeUserFactory(email="peter@kommune.dk", full_name="Peter Øster")
        self.committee = CommitteeFactory(name="Kultur- og Fritidsudvalget", members=(self.member,), chair=self.chair)
        CommitteeFactory(name="Social- og Sundhedsudvalget", chair=self.outsider)
        self.pool = PoolFactory(committee=self.committee, name="Lokaletilskud 2026", budget=500_000,
                                delegation_limit=25_000, report_due_days=90, legal_basis="folkeoplysningslovens § 25",
                                appeal_text="I kan klage til kommunen inden 4 uger.")
        self.association = AssociationFactory(name="Boldklubben Nordstjernen", cvr="12345674", members=(self.applicant,),
                                              street="Foreningsvej 1", postcode="9999", city="Eksempelby")
        db.session.commit()

    def committee_case(self, amount: int = 40_000, recommended: int | None = None, heard: bool = True,
                       title: str = "Lokaletilskud til klubhuset", association=None, pool=None) -> Case:
        """A case sent to the committee by the caseworker (hearing confirmed unless told otherwise)."""
        case = case_service.create_draft(pool or self.pool, association or self.association, self.applicant,
                                         title, amount, {"description": title})
        transitions.perform(case.id, "submit", self.applicant)
        case = db.session.get(Case, case.id)
        case.recommended_amount = amount if recommended is None else recommended
        case.assignee_id = self.caseworker.id
        case.hearing_confirmed = heard
        db.session.commit()
        for action in ("start_screening", "start_assessment", "recommend", "send_to_committee"):
            transitions.perform(case.id, action, self.caseworker)
        return db.session.get(Case, case.id)

    def meeting(self, cases=(), day: date | None = None):
        meeting = meetings.create_meeting(self.committee.id, day or clock.today() + timedelta(days=7),
                                          "Ordinært møde", "Rådhuset, mødelokale 2", self.caseworker)
        if cases:
            meetings.add_to_agenda(meeting.id, [c.id for c in cases], self.caseworker)
        return meeting

    def decide(self, meeting, case, proposal="grant", amount=None, reason="", comment="", by=None):
        item = next(i for i in meetings.items_of(meeting.id) if i.case_id == case.id)
        return meetings.record_proposal(meeting.id, item.id, by or self.member,
                                        meetings.ProposalInput(proposal, amount, reason, comment))


@pytest.fixture
def world(app) -> World:
    return World()

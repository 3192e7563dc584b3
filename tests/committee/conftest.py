"""A committee with a chair, a member and a meeting, and cases waiting for it; plus the real-service fixtures."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import Case
from app.services import cases as case_service
from app.services import meetings, transitions
from tests.tasks.conftest import (broker_app, celery_env, private_redis, smtp_sink, start_celery,  # noqa: F401
                                  worker)


class World:
    """Staff, a committee (chair + member), an outsider committee member, a pool, applicants."""

    def __init__(self, factory) -> None:
        self.applicant = factory.user(email="karen@example.dk", name="Karen Holm")
        self.caseworker = factory.user(role="caseworker", email="mette@kommune.dk", name="Mette Sørensen",
                                       phone="70 10 20 31")
        self.admin = factory.user(role="administrator", email="anne@kommune.dk", name="Anne Admin")
        self.chair = factory.user(role="committee_member", email="lise@kommune.dk", name="Lise Dahl")
        self.member = factory.user(role="committee_member", email="ahmed@kommune.dk", name="Ahmed Hansen")
        self.outsider = factory.user(role="committee_member", email="peter@kommune.dk", name="Peter Øster")
        self.committee = factory.committee(name="Kultur- og Fritidsudvalget", members=(self.member,), chair=self.chair)
        factory.committee(name="Social- og Sundhedsudvalget", chair=self.outsider)
        self.pool = factory.pool(committee=self.committee, name="Lokaletilskud 2026", budget=500_000,
                                 delegation_limit=25_000, report_due_days=90, legal_basis="folkeoplysningslovens § 25",
                                 appeal_text="Du kan klage til kommunen inden 4 uger.")
        self.association = factory.association(name="Boldklubben Nordstjernen", cvr="12345674",
                                               members=(self.applicant,), street="Foreningsvej 1",
                                               postcode="9999", city="Eksempelby")
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
        meeting = meetings.create_meeting(self.committee.id, day or date.today() + timedelta(days=7),
                                          "Ordinært møde", "Rådhuset, mødelokale 2", self.caseworker)
        if cases:
            meetings.add_to_agenda(meeting.id, [c.id for c in cases], self.caseworker)
        return meeting

    def decide(self, meeting, case, proposal="grant", amount=None, reason="", comment="", by=None):
        item = next(i for i in meetings.items_of(meeting.id) if i.case_id == case.id)
        return meetings.record_proposal(meeting.id, item.id, by or self.member,
                                        meetings.ProposalInput(proposal, amount, reason, comment))


@pytest.fixture
def world(factory) -> World:
    return World(factory)

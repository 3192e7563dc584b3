"""Two associations with boards, staff in every role, and a decided case with files, a letter and notes."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Case
from app.services.cases import notes as case_notes
from tests.factories import (AdministratorFactory, AssociationFactory, CaseworkerFactory, CommitteeFactory,
                             CommitteeUserFactory, DocumentFactory, PoolFactory, UserFactory)

TITLE = "<script>alert('x')</script> Sommerlejr & <b>fed</b>"
ATTACHMENT = b"%PDF-1.4\n% budget for sommerlejren\n" + bytes(range(256)) * 40
INTERNAL = b"%PDF-1.4\n% intern vurdering, kun til kommunen\n"
NOTE = "Ringede til formanden, hun bekræftede datoen (intern note)"


class World:
    """Board members of A and B, a caseworker, an administrator, committee members, and A's decided case."""

    def __init__(self, factory) -> None:
        self.factory = factory
        self.member = UserFactory(email="karen@example.dk", full_name="Karen Holm")
        self.other_member = UserFactory(email="ole@example.dk", full_name="Ole Berg")
        self.caseworker = CaseworkerFactory(email="mette@kommune.dk", full_name="Mette Sørensen")
        self.admin = AdministratorFactory(email="admin@kommune.dk", full_name="Anne Admin")
        self.seated = CommitteeUserFactory(email="lise@kommune.dk", full_name="Lise Dahl")
        self.unseated = CommitteeUserFactory(email="per@kommune.dk", full_name="Per Uden")
        self.committee = CommitteeFactory(chair=self.seated)
        self.pool = PoolFactory(committee=self.committee, delegation_limit=50_000,
                                appeal_text="I kan klage til kommunen inden 4 uger.")
        self.association = AssociationFactory(name="Boldklubben Nordstjernen", members=(self.member,))
        self.other = AssociationFactory(name="Skakklubben Løberen", members=(self.other_member,))
        db.session.commit()
        self.case = factory.decided_case(self.pool, self.association, self.member, self.caseworker, title=TITLE)
        self.attachment = DocumentFactory(case=self.case, data=ATTACHMENT, filename="Budget 2026.pdf",
                                          uploaded_by=self.member)
        self.internal = DocumentFactory(case=self.case, direction="internal", data=INTERNAL,
                                        filename="intern vurdering.pdf", uploaded_by=self.caseworker)
        db.session.commit()
        case_notes.add_note(self.case.id, self.caseworker, NOTE)
        db.session.expire_all()
        self.case = db.session.get(Case, self.case.id)


@pytest.fixture
def world(app, factory) -> World:
    return World(factory)

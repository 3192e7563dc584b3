"""Two associations with boards, staff in every role, and a decided case with files, a letter and notes."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Case
from app.services import case_notes

TITLE = "<script>alert('x')</script> Sommerlejr & <b>fed</b>"
ATTACHMENT = b"%PDF-1.4\n% budget for sommerlejren\n" + bytes(range(256)) * 40
INTERNAL = b"%PDF-1.4\n% intern vurdering, kun til kommunen\n"
NOTE = "Ringede til formanden, hun bekræftede datoen (intern note)"


class World:
    """Board members of A and B, a caseworker, an administrator, committee members, and A's decided case."""

    def __init__(self, factory) -> None:
        self.factory = factory
        self.member = factory.user(email="karen@example.dk", name="Karen Holm")
        self.other_member = factory.user(email="ole@example.dk", name="Ole Berg")
        self.caseworker = factory.user(role="caseworker", email="mette@kommune.dk", name="Mette Sørensen")
        self.admin = factory.user(role="administrator", email="admin@kommune.dk", name="Anne Admin")
        self.seated = factory.user(role="committee_member", email="lise@kommune.dk", name="Lise Dahl")
        self.unseated = factory.user(role="committee_member", email="per@kommune.dk", name="Per Uden")
        self.committee = factory.committee(chair=self.seated)
        self.pool = factory.pool(committee=self.committee, delegation_limit=50_000,
                                 appeal_text="Du kan klage til kommunen inden 4 uger.")
        self.association = factory.association(name="Boldklubben Nordstjernen", members=(self.member,))
        self.other = factory.association(name="Skakklubben Løberen", members=(self.other_member,))
        db.session.commit()
        self.case = factory.decided_case(self.pool, self.association, self.member, self.caseworker, title=TITLE)
        self.attachment = factory.document(case=self.case, data=ATTACHMENT, filename="Budget 2026.pdf",
                                           uploaded_by=self.member)
        self.internal = factory.document(case=self.case, direction="internal", data=INTERNAL,
                                         filename="intern vurdering.pdf", uploaded_by=self.caseworker)
        db.session.commit()
        case_notes.add_note(self.case.id, self.caseworker, NOTE)
        db.session.expire_all()
        self.case = db.session.get(Case, self.case.id)


@pytest.fixture
def world(app, factory) -> World:
    return World(factory)

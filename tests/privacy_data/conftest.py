"""A small world for the personal-data tests: two associations, staff, and cases with files."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.extensions import db
from app.models import Case, Document
from app.services import files, transitions

ANSWERS = {"kontakt_email": "jens@example.dk", "telefon": "22 33 44 55", "kontaktperson": "Jens Hansen",
           "beskrivelse": "Sommerlejr for 30 børn. Ring til Jens på 22334455, CPR 010190-1234.", "antal": 30}
FIELDS = [("Ansøgning", [dict(key="kontakt_email", label="E-mail", kind="email"),
                         dict(key="telefon", label="Telefon", kind="phone"),
                         dict(key="kontaktperson", label="Kontaktperson", kind="short_text"),
                         dict(key="beskrivelse", label="Beskriv aktiviteten", kind="long_text"),
                         dict(key="antal", label="Antal deltagere", kind="number")])]
ATTACHMENT = b"%PDF-1.4\n% budget for Jens Hansen\n" + bytes(range(256))


@dataclass
class World:
    factory: object
    chair: object
    treasurer: object
    outsider: object
    caseworker: object
    admin: object
    committee_member: object
    association: object
    other: object
    pool: object

    def case(self, decision: str = "decide_reject", title: str = "Sommerlejr") -> tuple[Case, int]:
        """A decided case with application answers and an attachment uploaded by the chair."""
        case = self.factory.decided_case(self.pool, self.association, self.chair, self.caseworker, 10_000, title,
                                         decision=decision)
        version = self.factory.form_version(self.pool, FIELDS)
        case.form_version_id = version.id
        case.data = {"answers": dict(ANSWERS), "step": 1}
        doc = self.factory.document(case=case, filename="Budget Jens Hansen.pdf", data=ATTACHMENT,
                                    uploaded_by=self.chair)
        db.session.commit()
        return case, doc.id

    def close_grant(self, case: Case) -> Case:
        """Pay, ask for the report and close: a grant case that has ended."""
        for action in ("mark_paid", "request_report", "close"):
            transitions.perform(case.id, action, self.caseworker)
        db.session.expire_all()
        return db.session.get(Case, case.id)


@pytest.fixture
def world(factory) -> World:
    chair = factory.user(email="formand@example.dk", name="Jens Hansen", phone="22334455")
    treasurer = factory.user(email="kasserer@example.dk", name="Karen Kasserer")
    outsider = factory.user(email="anden@example.dk", name="Anden Forening")
    association = factory.association(members=(chair, treasurer), name="Boldklubben Øst")
    db.session.get(type(association.memberships[1]), association.memberships[1].id).role = "treasurer"
    other = factory.association(members=(outsider,), name="Andeby Skakklub")
    caseworker = factory.user("caseworker", email="sb@example.dk", name="Sara Sagsbehandler")
    admin = factory.user("administrator", email="admin@example.dk", name="Ada Admin")
    committee_member = factory.user("committee_member", email="udvalg@example.dk", name="Ulla Udvalg")
    committee = factory.committee(members=(committee_member,))
    pool = factory.pool(committee=committee)
    db.session.commit()
    return World(factory, chair, treasurer, outsider, caseworker, admin, committee_member, association, other, pool)


def stored_path(document: Document):
    return files.path_for(document.storage_key)

"""A small world for the personal-data tests: two associations, staff, and cases with files."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import current_app

from app.extensions import db
from app.models import Case, Document
from app.services.cases import transitions
from tests.factories import (AdministratorFactory, AssociationFactory, CaseworkerFactory, CommitteeFactory,
                             CommitteeUserFactory, DocumentFactory, FormVersionFactory, MembershipFactory,
                             PoolFactory, UserFactory)

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
        version = FormVersionFactory(pool=self.pool, steps=FIELDS)
        case.form_version_id = version.id
        case.data = {"answers": dict(ANSWERS), "step": 1}
        doc = DocumentFactory(case=case, filename="Budget Jens Hansen.pdf", data=ATTACHMENT, uploaded_by=self.chair)
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
    chair = UserFactory(email="formand@example.dk", full_name="Jens Hansen", phone="22334455")
    treasurer = UserFactory(email="kasserer@example.dk", full_name="Karen Kasserer")
    outsider = UserFactory(email="anden@example.dk", full_name="Anden Forening")
    association = AssociationFactory(members=(chair,), name="Boldklubben Øst")
    MembershipFactory(association=association, user=treasurer, role="treasurer")
    other = AssociationFactory(members=(outsider,), name="Andeby Skakklub")
    caseworker = CaseworkerFactory(email="sb@example.dk", full_name="Sara Sagsbehandler")
    admin = AdministratorFactory(email="admin@example.dk", full_name="Ada Admin")
    committee_member = CommitteeUserFactory(email="udvalg@example.dk", full_name="Ulla Udvalg")
    committee = CommitteeFactory(members=(committee_member,))
    pool = PoolFactory(committee=committee)
    db.session.commit()
    return World(factory, chair, treasurer, outsider, caseworker, admin, committee_member, association, other, pool)


def stored_path(document: Document) -> Path:
    """Where the local store (these tests' embedded default) keeps a document's bytes."""
    key = document.storage_key
    return Path(current_app.config["UPLOAD_FOLDER"]) / key[:2] / key

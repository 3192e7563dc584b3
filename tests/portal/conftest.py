"""A small world for the portal: two associations with their boards, staff, and an open pool."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.services.cases import core as case_service
from app.services.cases import transitions
from tests.factories import (AssociationFactory, CaseworkerFactory, CommitteeFactory, CommitteeUserFactory,
                             PoolFactory, UserFactory)


def _png() -> bytes:
    """A real 2x2 PNG without metadata: stored uploads are redrawn, and this one comes back byte for byte."""
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (2, 2), (10, 20, 30)).save(out, "PNG")
    return out.getvalue()


PNG = _png()
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run"


def ooxml(main_type: str) -> bytes:
    """A minimal Office Open XML package whose [Content_Types].xml names `main_type`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", f'<Types><Override PartName="/x" ContentType="{main_type}"/></Types>')
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def path_of(link: str) -> str:
    """The path of an absolute link from an e-mail."""
    return re.sub(r"^https?://[^/]+", "", link)


@pytest.fixture
def world(app):
    today = clock.today()
    chair = UserFactory(email="karen@example.dk", full_name="Karen Holm")
    other = UserFactory(email="ole@example.dk", full_name="Ole Berg")
    caseworker = CaseworkerFactory(email="mette@kommune.dk", full_name="Mette Sørensen")
    committee_chair = CommitteeUserFactory(email="lise@kommune.dk")
    outsider = CommitteeUserFactory(email="ahmed@kommune.dk")
    committee = CommitteeFactory(chair=committee_chair)
    CommitteeFactory(members=(outsider,))
    pool = PoolFactory(committee=committee, year=today.year, opens_on=today - timedelta(days=30),
                       deadline=today + timedelta(days=30), reply_days=14)
    a = AssociationFactory(name="Boldklubben Nordstjernen", cvr="29403473", members=(chair,))
    b = AssociationFactory(name="Svømmeklubben Bølgen", cvr="10103940", members=(other,))
    db.session.commit()
    return {"chair": chair, "other": other, "caseworker": caseworker, "committee_chair": committee_chair,
            "outsider": outsider, "pool": pool, "a": a, "b": b}


@pytest.fixture
def asking_case(world):
    """A submitted case of association A where the caseworker has asked for information."""
    case = case_service.create_draft(world["pool"], world["a"], world["chair"], "Sommerlejr", 12_000)
    transitions.perform(case.id, "submit", world["chair"])
    case.assignee_id = world["caseworker"].id
    db.session.commit()
    transitions.perform(case.id, "start_screening", world["caseworker"])
    transitions.perform(case.id, "request_information", world["caseworker"],
                        given=transitions.ActionInput(comment="Send venligst budgettet for lejren."))
    return db.session.get(type(case), case.id)

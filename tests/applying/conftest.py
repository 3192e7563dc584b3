"""A small world for applying: a pool with a three-step form, two associations and their boards."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import Case
from tests.factories import AssociationFactory, CaseworkerFactory, FormVersionFactory, PoolFactory, UserFactory

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run"

FORM = [
    ("Om aktiviteten", [
        dict(key="titel", label="Titel på aktiviteten", kind="short_text", required=True),
        dict(key="beskrivelse", label="Hvad vil I lave?", kind="long_text", required=True),
        dict(key="start", label="Hvornår begynder aktiviteten?", kind="date", required=True),
        dict(key="samarbejde", label="Samarbejder I med andre?", kind="yes_no", required=True),
        dict(key="partnere", label="Hvem samarbejder I med?", kind="long_text", required=True,
             condition_key="samarbejde", condition_value="yes"),
    ]),
    ("Budget", [dict(key="budget", label="Budget for aktiviteten", kind="budget", required=True)]),
    ("Bilag", [dict(key="tilbud", label="Budget eller tilbud", kind="file", required=True),
               dict(key="andet", label="Andre bilag", kind="file")]),
]


def future_day(days: int = 60) -> str:
    return (clock.today() + timedelta(days=days)).strftime("%d.%m.%Y")


def step1(**over) -> dict:
    data = {"titel": "Sommerlejr for børn", "beskrivelse": "En uge i telt ved stranden.", "start": future_day(),
            "samarbejde": "yes", "partnere": "Skolen og spejderne", "nav": "next"}
    data.update(over)
    return data


def budget(expenses=((("Telte", "12.000"), ("Mad", "6000"))), income=((("Egenbetaling", "3000"),)), **over) -> dict:
    data = {"nav": "next"}
    for section, lines in (("expenses", expenses), ("income", income)):
        for i, (text, amount) in enumerate(lines):
            data[f"budget-{section}-{i}-text"] = text
            data[f"budget-{section}-{i}-amount"] = amount
    data.update(over)
    return data


def upload(data: bytes = PDF, name: str = "tilbud.pdf") -> tuple:
    return (io.BytesIO(data), name)


def version_of(client, url: str) -> int:
    """The case version the page carries in its hidden field."""
    html = client.get(url).get_data(as_text=True)
    return int(re.search(r'name="case_version" value="(\d+)"', html).group(1))


def post_step(client, case_id: int, number: int, data: dict, version: int | None = None):
    url = f"/forening/ansoegninger/{case_id}/trin/{number}"
    data = {**data, "case_version": version if version is not None else version_of(client, url)}
    return client.post(url, data=data, content_type="multipart/form-data")


def fill_all(client, case_id: int) -> None:
    """Fill every step correctly (the caller is logged in as a board member)."""
    assert post_step(client, case_id, 1, step1()).status_code == 302
    assert post_step(client, case_id, 2, budget()).status_code == 302
    assert post_step(client, case_id, 3, {"nav": "next", "tilbud": upload()}).status_code == 302


def start(client, slug: str, association_id: int | None = None) -> int:
    """Start (or continue) a draft through the view; returns the case id."""
    data = {"association_id": str(association_id)} if association_id else {}
    response = client.post(f"/forening/ansoegninger/ny/{slug}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/ansoegninger/(\d+)", response.headers["Location"]).group(1))


def fresh(case_id: int) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case_id)


@pytest.fixture
def world(app):
    today = clock.today()
    chair = UserFactory(email="karen@example.dk", full_name="Karen Holm")
    treasurer = UserFactory(email="bo@example.dk", full_name="Bo Nielsen")
    other = UserFactory(email="ole@example.dk", full_name="Ole Berg")
    caseworker = CaseworkerFactory(email="mette@kommune.dk", full_name="Mette Sørensen")
    pool = PoolFactory(year=today.year, opens_on=today - timedelta(days=30), deadline=today + timedelta(days=30),
                       reply_days=14, name="Frivillighedspuljen", slug="frivillighedspuljen")
    version = FormVersionFactory(pool=pool, steps=FORM)
    a = AssociationFactory(name="Boldklubben Nordstjernen", cvr="29403473", members=(chair, treasurer))
    b = AssociationFactory(name="Svømmeklubben Bølgen", cvr="10103940", members=(other,))
    db.session.commit()
    return {"chair": chair, "treasurer": treasurer, "other": other, "caseworker": caseworker, "pool": pool,
            "version": version, "a": a, "b": b}


@pytest.fixture
def open_pool(app):
    """Only an open pool with its published form, and a caseworker: the journey registers everything else."""
    today = clock.today()
    caseworker = CaseworkerFactory(email="mette@kommune.dk", full_name="Mette Sørensen")
    pool = PoolFactory(year=today.year, opens_on=today - timedelta(days=30), deadline=today + timedelta(days=30),
                       name="Frivillighedspuljen", slug="frivillighedspuljen")
    version = FormVersionFactory(pool=pool, steps=FORM)
    db.session.commit()
    return {"pool": pool, "version": version, "caseworker": caseworker}

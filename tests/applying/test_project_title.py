"""Every application form asks for the project's title (unless a question of its own already does), and the case
and its letters are named by it instead of by the pool."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.forms_runtime import load_spec
from app.models import Case
from app.services.applying import applications
from tests.applying.conftest import post_step

FORM = [("Om aktiviteten", [dict(key="beskrivelse", label="Hvad vil I lave?", kind="long_text", required=True)])]


@pytest.fixture
def started(factory):
    today = clock.today()
    chair = factory.user(email="karen@example.dk", name="Karen Holm")
    pool = factory.pool(name="Kulturpuljen", year=today.year, opens_on=today - timedelta(days=30),
                        deadline=today + timedelta(days=30))
    version = factory.form_version(pool, FORM)
    association = factory.association(name="Boldklubben", members=(chair,))
    db.session.commit()
    case = applications.start(pool.id, association.id, chair, today).case
    return {"case_id": case.id, "chair": chair, "version": version}


def test_a_form_without_a_title_question_asks_for_one_first(started):
    first = load_spec(started["version"].id).steps[0].fields[0]
    assert (first.key, first.label, first.required) == ("projekttitel", "Projektets titel", True)


def test_a_form_with_its_own_title_question_gets_no_second_one(factory):
    pool = factory.pool()
    version = factory.form_version(pool, [("Om", [dict(key="aktivitetens_navn", label="Aktivitetens navn",
                                                      kind="short_text", required=True)])])
    db.session.commit()
    assert [f.key for f in load_spec(version.id).all_fields()] == ["aktivitetens_navn"]


def test_the_step_page_asks_for_the_title_and_refuses_without_it(client, auth, started):
    auth.login("karen@example.dk")
    url = f"/forening/ansoegninger/{started['case_id']}/trin/1"
    page = client.get(url).get_data(as_text=True)
    assert page.index('name="projekttitel"') < page.index('name="beskrivelse"')
    refused = post_step(client, started["case_id"], 1, {"nav": "next", "projekttitel": "", "beskrivelse": "En uge i telt."})
    assert refused.status_code == 200 and "Udfyld feltet." in refused.get_data(as_text=True)


def test_the_case_is_named_by_the_title_not_the_pool(client, auth, started):
    auth.login("karen@example.dk")
    saved = post_step(client, started["case_id"], 1,
                      {"nav": "next", "projekttitel": "Sommerlejr for U12", "beskrivelse": "En uge i telt."})
    assert saved.status_code == 302
    case = db.session.get(Case, started["case_id"])
    db.session.refresh(case)
    assert case.title == "Sommerlejr for U12"
    applications.submit(case.id, started["chair"], None, clock.today())
    db.session.expire_all()
    assert db.session.get(Case, started["case_id"]).title == "Sommerlejr for U12"

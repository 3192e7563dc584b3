"""The staff case page reads like the application: answers by field type, and what changed since the last look."""
from __future__ import annotations

import re
from datetime import timedelta

from app import clock
from app.extensions import db
from app.models import Case
from app.services.cases import notes as case_notes, transitions
from tests import factories

STEPS = [
    ("Om aktiviteten", [dict(key="hvad", label="Hvad vil I lave?", kind="long_text"),
                        dict(key="start", label="Hvornår begynder aktiviteten?", kind="date"),
                        dict(key="pris", label="Entré", kind="amount")]),
    ("Budget", [dict(key="budget", label="Budget for aktiviteten", kind="budget"),
                dict(key="bilag", label="Regnskab", kind="file")]),
]


def _form_case(world) -> Case:
    """A submitted case made with a form: a budget of 14.500 kr. less 2.500 kr. income, and a file."""
    version = factories.form_version(world.pool, steps=STEPS)
    case = world.draft(title="Kajakhold")
    case.form_version_id = version.id
    doc = factories.DocumentFactory(case=case, filename="regnskab-2026.pdf", data=b"%PDF-1.4\n" + b"x" * 2_000_000)
    case.data = {"answers": {
        "hvad": "Et hold for begyndere", "start": "2027-01-14", "pris": 12000,
        "budget": {"expenses": [{"text": "Instruktør", "amount": 12000}, {"text": "Udstyr", "amount": 2500}],
                   "income": [{"text": "Egenbetaling", "amount": 2500}],
                   "total_expenses": 14500, "total_income": 2500, "applied": 12000},
        "bilag": {"document_id": doc.id, "filename": "regnskab-2026.pdf"},
    }, "step": 1}
    db.session.commit()
    transitions.perform(case.id, "submit", world.member)
    return db.session.get(Case, case.id)


def _page(client, case) -> str:
    resp = client.get(f"/sagsbehandling/sager/{case.id}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def _application(body: str) -> str:
    return body[body.index('id="ansoegning"'):body.index('id="bilag"')]


def test_budget_is_a_table_with_danish_headings_and_amounts(client, auth, world):
    case = _form_case(world)
    auth.login("mette@kommune.dk")
    part = _application(_page(client, case))
    assert "<table" in part
    for heading in ("Udgifter", "Indtægter og anden støtte", "Udgifter i alt", "Indtægter i alt",
                    "Ansøgt beløb (udgifter minus indtægter)"):
        assert heading in part
    assert "14.500 kr." in part and "12.000 kr." in part and "2.500 kr." in part
    assert "14. jan. 2027" in part  # a date answer in the app's one date style
    for raw in ("Total expenses", "Total income", "Applied", "Expenses", "Document id", "Filename", "14500", "12000"):
        assert raw not in part


def test_file_answer_is_a_link_with_type_and_size(client, auth, world):
    case = _form_case(world)
    auth.login("mette@kommune.dk")
    part = _application(_page(client, case))
    link = re.search(r'<a href="/sagsbehandling/dokumenter/(\d+)">regnskab-2026.pdf</a>\s*'
                     r'<span class="app-meta">\(PDF, 1,9 MB\)</span>', part)
    assert link is not None, part


def test_since_you_last_looked_lists_what_a_colleague_did(client, auth, world):
    case = _form_case(world)
    auth.login("mette@kommune.dk")
    first = _page(client, case)
    assert "Siden du sidst så sagen" not in first  # a first look has nothing to compare with
    clock.move_to(clock.now() + timedelta(minutes=3))
    case_notes.add_note(case.id, world.colleague, "Ringede til formanden om budgettet.")
    body = _page(client, case)
    since = body[body.index('id="since-heading"'):body.index('id="ansoegning"')]
    assert "1 ny linje i journalen fra andre" in since
    assert "Ringede til formanden om budgettet." in since and "Jonas Bæk" in since
    again = _page(client, case)
    assert 'id="since-heading"' not in again and "Intet nyt fra andre" in again


def test_own_changes_are_not_news(client, auth, world):
    case = _form_case(world)
    auth.login("mette@kommune.dk")
    _page(client, case)
    clock.move_to(clock.now() + timedelta(minutes=5))
    case_notes.add_note(case.id, world.caseworker, "Min egen note.")
    assert 'id="since-heading"' not in _page(client, case)

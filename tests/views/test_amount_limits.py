"""The money rules through the pages: a refused amount is told in Danish next to the amount field, nothing written."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseEvent, Decision, OutboxMessage
from tests.services.pools.conftest import Money, count


@pytest.fixture
def money(factory) -> Money:
    return Money(factory, budget=15_000, delegation_limit=15_000)


def _written() -> tuple[int, int, int]:
    return count(Decision), count(CaseEvent), count(OutboxMessage)


def _amount_error(body: str, field_id: str) -> str:
    found = re.search(rf'<span class="form-error-message" id="{field_id}-error">'
                      r'(?:<span class="sr-only">[^<]*</span>)?\s*([^<]*)</span>', body)
    return found.group(1) if found else ""


def _act(client, case, action, amount, reason="Budgettet er for højt"):
    db.session.expire_all()
    version = db.session.get(Case, case.id).version
    return client.post(f"/sagsbehandling/sager/{case.id}/handling",
                       data={"action": action, "version": version, "reason": reason, "amount": amount})


def test_another_amount_above_the_delegation_limit_is_refused_next_to_the_field(client, auth, money):
    pool = money.new_pool(budget=100_000, delegation_limit=10_000)
    case = money.recommended(applied=20_000, recommended=1_000, pool=pool)
    auth.login("mette@kommune.dk")
    before = _written()
    response = _act(client, case, "decide_partly", "14.999")
    assert response.status_code == 409
    assert "bemyndigelse" in _amount_error(response.get_data(as_text=True), "action-amount")
    assert _written() == before and db.session.get(Case, case.id).granted_amount is None


def test_a_grant_above_what_the_pool_has_left_is_refused_next_to_the_field(client, auth, money):
    money.decide(money.recommended(applied=10_000))
    case = money.recommended(applied=10_000)
    auth.login("mette@kommune.dk")
    before = _written()
    response = _act(client, case, "decide_partly", "8.000")
    assert response.status_code == 409
    assert "har 5.000 kr. tilbage af budgettet" in _amount_error(response.get_data(as_text=True), "action-amount")
    assert _written() == before and db.session.get(Case, case.id).granted_amount is None


def test_another_amount_above_the_application_is_refused_next_to_the_field(client, auth, money):
    case = money.recommended(applied=10_000)
    auth.login("mette@kommune.dk")
    before = _written()
    response = _act(client, case, "decide_partly", "12.000")
    assert response.status_code == 400
    assert "større end det ansøgte" in _amount_error(response.get_data(as_text=True), "action-amount")
    assert _written() == before


@pytest.mark.parametrize("amount, words", [("9.999.999", "større end det ansøgte beløb"),
                                           ("16.000", "større end det ansøgte beløb")])
def test_a_correction_above_the_application_is_refused_next_to_the_field(client, auth, money, amount, words):
    case = money.recommended(applied=12_000)
    money.decide(case)
    old = db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id))
    auth.login("mette@kommune.dk")
    before = _written()
    response = client.post(f"/udvalg/afgoerelser/{old.id}/ret",
                           data={"note": "Beløbet var skrevet forkert.", "amount": amount, "reason": ""})
    assert response.status_code == 409
    assert words in _amount_error(response.get_data(as_text=True), "amount")
    assert _written() == before and db.session.get(Case, case.id).granted_amount == 12_000


def test_a_correction_above_what_the_pool_has_left_is_refused(client, auth, money):
    case = money.recommended(applied=14_000, recommended=10_000)
    money.decide(case, "decide_partly", 10_000)
    money.decide(money.recommended(applied=5_000))  # the pool is now spent
    old = db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id))
    auth.login("mette@kommune.dk")
    before = _written()
    response = client.post(f"/udvalg/afgoerelser/{old.id}/ret",
                           data={"note": "Beløbet var skrevet forkert.", "amount": "11.000", "reason": "Delvis."})
    assert response.status_code == 409
    assert "tilbage af budgettet" in _amount_error(response.get_data(as_text=True), "amount")
    assert _written() == before


def test_the_admin_pool_page_shows_the_ledger(client, auth, money, factory):
    factory.user(role="administrator", email="anne@kommune.dk", name="Anne Admin")
    db.session.commit()
    money.decide(money.recommended(applied=6_000))
    auth.login("anne@kommune.dk")
    body = client.get(f"/admin/puljer/{money.pool.id}").get_data(as_text=True)
    assert "Puljens regnskab" in body and "Frit til bevilling" in body
    assert "6.000" in body and "9.000" in body
    listing = client.get("/admin/puljer").get_data(as_text=True)
    assert "9.000" in listing

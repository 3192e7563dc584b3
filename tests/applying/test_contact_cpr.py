"""The contact person's CPR number on an informal group's application, where the pool allows Digital Post to CPR:
asked only there, checked with Danish messages by the field, kept encrypted and never shown again."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import CaseContactCpr
from app.services.cases import contact_cpr
from tests.applying.conftest import post_step, start
from tests.factories import (AssociationFactory, CaseworkerFactory, FormVersionFactory, InformalGroupFactory,
                             PoolFactory, UserFactory)

FORM = [("Om initiativet", [dict(key="titel", label="Titel på initiativet", kind="short_text", required=True)])]
CPR = "010190-1234"


def _pool(slug: str, allows: bool):
    today = clock.today()
    pool = PoolFactory(year=today.year, opens_on=today - timedelta(days=30), deadline=today + timedelta(days=30),
                       name=f"Nye initiativer {slug}", slug=slug, workflow="new_initiative", applicants="informal",
                       digital_post_to_cpr=allows)
    FormVersionFactory(pool=pool, steps=FORM)
    return pool


@pytest.fixture
def groups(app):
    anna = UserFactory(email="anna@example.dk", full_name="Anna Krog")
    CaseworkerFactory(email="mette@kommune.dk", full_name="Mette Sørensen")
    group = InformalGroupFactory(name="Strikkecaféen", contact_person="Anna Krog", members=(anna,))
    club = AssociationFactory(name="Boldklubben Nordstjernen", cvr="29403473", members=(anna,))
    allowing, plain = _pool("cpr-tilladt", True), _pool("uden-cpr", False)
    db.session.commit()
    return {"group": group, "club": club, "allowing": allowing, "plain": plain}


def _draft(client, auth, pool, association) -> tuple[int, str]:
    auth.login("anna@example.dk")
    case_id = start(client, pool.slug, association.id)
    response = post_step(client, case_id, 1, {"titel": "Strik for begyndere", "nav": "next"})
    assert response.status_code == 302
    return case_id, response.headers["Location"]


def test_an_informal_group_in_an_allowing_pool_is_asked_after_the_last_step(client, auth, groups):
    case_id, after = _draft(client, auth, groups["allowing"], groups["group"])
    assert after.endswith(f"/forening/ansoegninger/{case_id}/digital-post")
    page = client.get(after).get_data(as_text=True)
    assert "Kontaktpersonens CPR-nummer" in page and "(valgfri)" in page
    assert "Vi bruger det kun til at sende afgørelsen" in page and "slettes sammen med sagens" in page
    summary = client.get(f"/forening/ansoegninger/{case_id}/oversigt").get_data(as_text=True)
    assert "Intet CPR-nummer. Afgørelsen sendes med e-mail" in summary


@pytest.mark.parametrize("pool, association", [("plain", "group"), ("allowing", "club")])
def test_it_is_not_asked_elsewhere(client, auth, groups, pool, association):
    case_id, after = _draft(client, auth, groups[pool], groups[association])
    assert after.endswith(f"/forening/ansoegninger/{case_id}/oversigt")
    assert client.get(f"/forening/ansoegninger/{case_id}/digital-post").status_code == 404
    assert "CPR" not in client.get(after).get_data(as_text=True)


@pytest.mark.parametrize("typed, message", [
    ("12345", "Skriv CPR-nummeret med 10 cifre, fx 010190-1234."),
    ("0101901234x", "Skriv CPR-nummeret med 10 cifre, fx 010190-1234."),
    ("01-01-90-1234", "Skriv CPR-nummeret med 10 cifre, fx 010190-1234."),
    ("320190-1234", "De første 6 cifre skal være en fødselsdato (ddmmåå). Tjek CPR-nummeret."),
    ("011390-1234", "De første 6 cifre skal være en fødselsdato (ddmmåå). Tjek CPR-nummeret."),
    ("290201-1234", "De første 6 cifre skal være en fødselsdato (ddmmåå). Tjek CPR-nummeret."),  # 1901: no 29 Feb
])
def test_what_is_not_a_cpr_number_is_refused_by_the_field_and_kept(client, auth, groups, typed, message):
    case_id, after = _draft(client, auth, groups["allowing"], groups["group"])
    page = client.post(after, data={"cpr": typed})
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and message in body and 'class="form-error-message"' in body
    assert 'href="#cpr"' in body  # the error summary links to the field
    assert f'value="{typed}"' in body  # nothing typed is lost
    assert db.session.get(CaseContactCpr, case_id) is None


@pytest.mark.parametrize("typed, digits", [("290200-4321", "2902004321"), ("2902004321", "2902004321"),
                                           (" 010190-1234 ", "0101901234")])
def test_both_spellings_are_accepted(typed, digits):
    assert contact_cpr.parse_cpr(typed) == digits  # 29.02.2000: a leap year (the 7th digit 4 says 2000)


def test_a_given_number_is_stored_encrypted_and_never_shown(client, auth, groups, app):
    case_id, after = _draft(client, auth, groups["allowing"], groups["group"])
    response = client.post(after, data={"cpr": CPR})
    assert response.status_code == 302 and response.headers["Location"].endswith("/oversigt")
    raw = db.session.execute(sa.text("SELECT cpr FROM case_contact_cprs WHERE case_id = :id"), {"id": case_id}).scalar()
    assert raw and "0101901234" not in raw and "010190" not in raw and "1234" not in raw
    db.session.expire_all()
    assert db.session.get(CaseContactCpr, case_id).cpr == "0101901234"  # the secret box opens it
    for url in (f"/forening/ansoegninger/{case_id}/oversigt", after):
        page = client.get(url).get_data(as_text=True)
        assert "CPR-nummer oplyst" in page and "010190" not in page and "1234" not in page
    summary = client.get(f"/forening/ansoegninger/{case_id}/oversigt").get_data(as_text=True)
    assert "Afgørelsen sendes til kontaktpersonens Digital Post" in summary


def test_a_blank_field_keeps_the_number_and_the_button_removes_it(client, auth, groups):
    case_id, after = _draft(client, auth, groups["allowing"], groups["group"])
    client.post(after, data={"cpr": CPR})
    assert client.post(after, data={"cpr": ""}).status_code == 302
    assert contact_cpr.has_cpr(case_id)
    assert client.post(after, data={"cpr": "", "remove": "1"}).status_code == 302
    assert not contact_cpr.has_cpr(case_id)


def test_another_associations_board_cannot_reach_the_page(client, auth, groups):
    case_id, after = _draft(client, auth, groups["allowing"], groups["group"])
    auth.logout()
    UserFactory(email="ole@example.dk", full_name="Ole Berg")
    db.session.commit()
    auth.login("ole@example.dk")
    assert client.get(after).status_code == 404
    assert client.post(after, data={"cpr": CPR}).status_code == 404
    assert not contact_cpr.has_cpr(case_id)

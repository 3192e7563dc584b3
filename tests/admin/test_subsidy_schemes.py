"""The subsidy scheme editor: create and change a scheme, every validation message next to its field, the worked
example, access, and the Danish sentence for every step of a calculation."""
from __future__ import annotations

import re
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from flask_babel import force_locale

from app import clock
from app.extensions import db
from app.models import AdminEvent
from app.models.yearly import ReportingCampaign, SubsidyScheme
from app.services.yearly import formula as formulas
from app.services.yearly.formula import Step
from app.services.yearly.steps_text import SENTENCES, describe
from tests.factories import CaseworkerFactory, PoolFactory

URL = "/admin/tilskudsordninger"


@pytest.fixture
def campaign(app):
    c = ReportingCampaign(year=2027, opens_on=date(2028, 1, 1), deadline=date(2028, 3, 31))
    db.session.add(c)
    db.session.commit()
    return c


@pytest.fixture
def yearly_pool(app):
    p = PoolFactory(workflow="yearly_subsidy", name="Aktivitetstilskud 2027", year=2027, budget=150_000)
    db.session.commit()
    return p


def form(campaign, pool, **changes) -> dict:
    """Viborg's scheme as the browser posts it (checkboxes: a list of values, or absent)."""
    data = {"name": "Aktivitetstilskud 2027", "kind": "activity", "campaign_id": str(campaign.id),
            "pool_id": str(pool.id), "basis": "per_member", "rate": "205", "bands": ["0_6", "7_12", "13_17", "18_24"],
            "point_value": "fixed", "cost_percent": "65", "cost_types": ["rent", "utilities"], "late_twelfths": "0",
            "cap_per_member": "", "cap_per_hour": "", "over25_threshold": "", "minimum_fee": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _schemes() -> list[SubsidyScheme]:
    return db.session.scalars(db.select(SubsidyScheme).order_by(SubsidyScheme.id)).all()


def test_create_then_change_a_scheme_journalised(admin_client, admin, campaign, yearly_pool):
    resp = admin_client.post(f"{URL}/ny", data=form(campaign, yearly_pool, rate="1.000 kr."))
    assert resp.status_code == 302, resp.get_data(as_text=True)[-2000:]
    [scheme] = _schemes()
    assert (scheme.name, scheme.kind, scheme.campaign_id, scheme.pool_id) == (
        "Aktivitetstilskud 2027", "activity", campaign.id, yearly_pool.id)
    assert scheme.formula["basis"] == "per_member" and scheme.formula["rate"] == 1000  # "1.000 kr." read as 1000
    assert formulas.parse(scheme.formula).as_dict() == scheme.formula
    resp = admin_client.post(f"{URL}/{scheme.id}", data=form(
        campaign, yearly_pool, basis="points", points_0_6="1", points_7_12="10", points_13_17="10", points_18_24="2",
        point_value="budget_share", cap_fee_income="y", late_twelfths="1"))
    assert resp.status_code == 302, resp.get_data(as_text=True)[-2000:]
    db.session.expire_all()
    stored = db.session.get(SubsidyScheme, scheme.id).formula
    assert stored["points"] == {"0_6": 1, "7_12": 10, "13_17": 10, "18_24": 2, "25_59": 0, "60_plus": 0}
    assert (stored["point_value"], stored["cap_fee_income"], stored["late_twelfths"]) == ("budget_share", True, 1)
    events = db.session.scalars(db.select(AdminEvent).where(AdminEvent.entity_type == "subsidy_scheme")
                                .order_by(AdminEvent.id)).all()
    assert [(e.action, e.entity_id, e.actor_id) for e in events] == [("create", scheme.id, admin.id),
                                                                      ("update", scheme.id, admin.id)]
    assert events[1].before["formula"]["basis"] == "per_member" and events[1].after["formula"]["basis"] == "points"
    listing = admin_client.get(URL).get_data(as_text=True)
    assert "Aktivitetstilskud 2027" in listing and "Point pr. medlem efter alder" in listing


def test_the_edit_page_shows_the_form_as_stored_and_a_worked_example(admin_client, campaign, yearly_pool):
    admin_client.post(f"{URL}/ny", data=form(campaign, yearly_pool, late_twelfths="1"))
    [scheme] = _schemes()
    body = admin_client.get(f"{URL}/{scheme.id}").get_data(as_text=True)
    assert 'value="205"' in body and 'value="0_6" checked' in body
    # The example association: 4 + 12 + 10 + 4 = 30 members under 25 living in the municipality, one month late.
    assert ("Tilskud pr. medlem: 30 medlemmer, der bor i kommunen, i de aldersgrupper, der giver tilskud, "
            "× 205 kr. = 6.150 kr.") in body
    assert "Indberetningen kom for sent (1 påbegyndt måned): 1/12 trækkes fra = 5.637,50 kr." in body
    assert "Afrundet til hele kroner: 5.637 kr." in body
    assert "150.000 kr." in body  # the pool's budget


PROBLEMS = [  # (changes to the valid form, the field whose error it is, the Danish message)
    (dict(basis=None), "basis", "Vælg hvordan tilskuddet beregnes."),
    (dict(rate="to hundrede"), "rate", "Skriv en sats i hele kroner, 0 eller mere."),
    (dict(rate=""), "rate", "Skriv satsen pr. medlem."),
    (dict(bands=None), "bands", "Vælg mindst én aldersgruppe, der tæller med."),
    (dict(basis="points", points_7_12=""), "points_0_6",
     "Point skal være hele tal, 0 eller mere, og mindst én aldersgruppe skal give point."),
    (dict(basis="points", points_7_12="-3"), "points_0_6",
     "Point skal være hele tal, 0 eller mere, og mindst én aldersgruppe skal give point."),
    (dict(basis="points", points_7_12="10", point_value="hemmelig"), "point_value",
     "Vælg om pointværdien er fast eller budgettet delt med alle point."),
    (dict(cost_percent="0"), "cost_percent", "Skriv en procent mellem 1 og 100."),
    (dict(basis="cost_share", cost_types=None), "cost_types", "Vælg mindst én udgiftstype, der tæller med."),
    (dict(cap_per_hour="-5"), "cap_per_hour",
     "Et loft skal være et helt antal kroner, 0 eller mere, eller stå tomt."),
    (dict(cap_per_member="12,50"), "cap_per_member",
     "Et loft skal være et helt antal kroner, 0 eller mere, eller stå tomt."),
    (dict(over25_threshold="101"), "over25_threshold",
     "Skriv en procent mellem 0 og 100, eller lad feltet stå tomt."),
    (dict(late_twelfths="13"), "late_twelfths",
     "Fradraget for sen indberetning skal være mellem 0 og 12 tolvtedele pr. måned."),
    (dict(minimum_fee="gratis"), "minimum_fee",
     "Mindstekontingentet skal være et helt antal kroner, 0 eller mere, eller stå tomt."),
    (dict(name="  "), "name", "Skriv ordningens navn."),
    (dict(kind=None), "kind", "Vælg om det er aktivitetstilskud eller lokaletilskud."),
    (dict(campaign_id=""), "campaign_id", "Vælg den årlige indberetning, ordningen regner på."),
]


def test_every_formula_message_has_a_case_here():
    codes = {"basis", "rate", "rate_needed", "bands", "points", "point_value", "cost_percent", "cost_types", "cap",
             "threshold", "late", "minimum_fee"}
    assert set(formulas.MESSAGES) == codes
    messages = {str(m) for m in formulas.MESSAGES.values()}
    assert messages <= {message for _c, _f, message in PROBLEMS}


@pytest.mark.parametrize(("changes", "field", "message"), PROBLEMS, ids=[p[1] + ":" + p[2][:20] for p in PROBLEMS])
def test_a_problem_is_shown_next_to_its_field_in_the_summary_and_nothing_is_saved(
        admin_client, campaign, yearly_pool, changes, field, message):
    resp = admin_client.post(f"{URL}/ny", data=form(campaign, yearly_pool, **changes))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert _schemes() == []
    assert 'id="error-summary"' in body and message in body
    anchor = f"{field}-0" if field in ("basis", "bands", "kind", "point_value", "cost_types") else field
    assert f'href="#{anchor}"' in body  # the summary links to the field
    assert re.search(r'form-error-message[^>]*>\s*<span class="sr-only">Fejl:</span>\s*' + re.escape(message), body)
    for value in changes.values():  # what was typed comes back
        if isinstance(value, str) and value.strip() and value not in ("hemmelig",):
            assert f'value="{value}"' in body


def test_the_pool_must_be_a_calculated_subsidy_pool_not_used_by_another_scheme(admin_client, campaign, yearly_pool):
    ordinary = PoolFactory(workflow="subsidy")
    db.session.commit()
    body = admin_client.post(f"{URL}/ny", data=form(campaign, ordinary)).get_data(as_text=True)
    assert "Vælg en pulje med sagsgangen »Beregnet tilskud«." in body and _schemes() == []
    assert f'value="{ordinary.id}"' not in body  # only calculated-subsidy pools are offered
    assert admin_client.post(f"{URL}/ny", data=form(campaign, yearly_pool)).status_code == 302
    body = admin_client.post(f"{URL}/ny", data=form(campaign, yearly_pool, name="En til")).get_data(as_text=True)
    assert "Puljen bruges allerede af en anden tilskudsordning." in body and len(_schemes()) == 1


def test_an_edit_with_errors_keeps_the_stored_scheme(admin_client, campaign, yearly_pool):
    admin_client.post(f"{URL}/ny", data=form(campaign, yearly_pool))
    [scheme] = _schemes()
    body = admin_client.post(f"{URL}/{scheme.id}", data=form(campaign, yearly_pool, rate="x", late_twelfths="99")
                             ).get_data(as_text=True)
    assert "Skriv en sats i hele kroner" in body and "mellem 0 og 12 tolvtedele" in body  # every problem at once
    db.session.expire_all()
    assert db.session.get(SubsidyScheme, scheme.id).formula["rate"] == 205
    assert admin_client.get(f"{URL}/999999").status_code == 404


def test_only_administrators(client, auth, campaign, yearly_pool):
    CaseworkerFactory(email="sag@kommune.dk")
    db.session.commit()
    assert "/konto/log-ind" in client.get(URL).location
    auth.login("sag@kommune.dk")
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/ny").status_code == 403
    assert client.post(f"{URL}/ny", data=form(campaign, yearly_pool)).status_code == 403
    assert _schemes() == []


# --- steps_text: one Danish sentence for every step the formula makes ------------------------------------------

SENTENCE_CASES = [
    (Step("per_member", Fraction(6150), {"members": 30, "rate": 205, "nonresidents": False}),
     "Tilskud pr. medlem: 30 medlemmer, der bor i kommunen, i de aldersgrupper, der giver tilskud, × 205 kr. "
     "= 6.150 kr."),
    (Step("per_member", Fraction(205), {"members": 1, "rate": 205, "nonresidents": True}),
     "Tilskud pr. medlem: 1 medlem i de aldersgrupper, der giver tilskud, × 205 kr. = 205 kr."),
    (Step("points", Fraction(9000), {"points": 60, "point_value": "150.00", "budget": 150_000, "total_points": 1000}),
     "Point: 60 point × pointværdien 150 kr. (budgettet 150.000 kr. delt med 1.000 point i alt) = 9.000 kr."),
    (Step("points", Fraction(1250), {"points": 50, "point_value": "25.00"}),
     "Point: 50 point × 25 kr. pr. point = 1.250 kr."),
    (Step("cost_share", Fraction(13000), {"costs": 20000, "percent": 65}),
     "Lokaletilskud: 65 % af udgifterne til lokaler, der giver tilskud (20.000 kr.) = 13.000 kr."),
    (Step("cap_fee_income", Fraction(1000), {"fee_income": 1000}),
     "Tilskuddet kan ikke være større end foreningens kontingentindtægt: 1.000 kr."),
    (Step("cap_per_member", Fraction(3000), {"members": 30, "cap": 100}),
     "Højst 100 kr. pr. medlem: 30 medlemmer × 100 kr. = 3.000 kr."),
    (Step("cap_per_hour", Fraction(8515, 2), {"hours": 50, "cap": 131, "percent": 65}),
     "Højst 65 % af 131 kr. pr. aktivitetstime: 50 timer × 131 kr. × 65 % = 4.257,50 kr."),
    (Step("cap_per_hour", Fraction(131), {"hours": 1, "cap": 131}),
     "Højst 131 kr. pr. aktivitetstime: 1 time × 131 kr. = 131 kr."),
    (Step("over_25", Fraction(15327), {"share": "20.0", "threshold": 10, "reduction": "10.0"}),
     "Nedsat for medlemmer over 25 år: de er 20 % af medlemmerne, 10 procentpoint mere end grænsen på 10 %, "
     "så tilskuddet nedsættes med 10 % = 15.327 kr."),
    (Step("late", Fraction(5500, 3), {"months": 1, "twelfths": 1}),
     "Indberetningen kom for sent (1 påbegyndt måned): 1/12 trækkes fra = 1.833,33 kr."),
    (Step("late", Fraction(1500), {"months": 3, "twelfths": 3}),
     "Indberetningen kom for sent (3 påbegyndte måneder): 3/12 trækkes fra = 1.500 kr."),
    (Step("pro_rata", Fraction(205, 2), {"percent": "50.00"}),
     "Budgettet rækker ikke til alle beløb, så alle er nedsat forholdsmæssigt til 50 % = 102,50 kr."),
    (Step("rounded", Fraction(103), {}), "Afrundet til hele kroner: 103 kr."),
    (Step("below_minimum_fee", Fraction(0), {"minimum_fee": 150, "fee_per_member": "149.00"}),
     "Intet tilskud: kontingentet er 149 kr. pr. betalende medlem, mindre end mindstekontingentet på 150 kr."),
]


@pytest.mark.parametrize(("step", "sentence"), SENTENCE_CASES, ids=[s.code for s, _t in SENTENCE_CASES])
def test_each_step_reads_as_a_danish_sentence(app, step, sentence):
    with app.test_request_context(), force_locale("da"):
        assert describe(step) == sentence
        assert describe(step.as_dict()) == sentence  # as a batch line stores it


def test_every_step_code_of_the_formula_has_a_sentence():
    source = Path(formulas.__file__).read_text()
    made = set(re.findall(r'Step\("(\w+)"', source)) | {"cap_fee_income", "cap_per_member", "cap_per_hour"}
    assert made <= set(SENTENCES)
    assert {s.code for s, _t in SENTENCE_CASES} == set(SENTENCES)


def test_an_unknown_step_still_shows_its_amount(app):
    with app.test_request_context(), force_locale("da"):
        assert describe({"code": "future", "amount": "12.50", "params": {}}) == "Beregnet beløb: 12,50 kr."


def test_a_scheme_is_the_template_for_next_years(app, client, auth):
    """Next year's scheme starts as a copy: the same formula, next year's name, campaign and pool."""
    from app.demo import seed
    from app.models import Pool
    seed()
    source = db.session.scalar(db.select(SubsidyScheme).where(SubsidyScheme.kind == "premises"))
    year = source.campaign.year
    db.session.add(ReportingCampaign(year=year + 1, opens_on=clock.today(), deadline=clock.today()))
    db.session.commit()
    auth.login("admin@demo.dk")
    page = client.get("/admin/tilskudsordninger").get_data(as_text=True)
    assert f"Brug som skabelon for {year + 1}" in page
    page = client.get(f"/admin/tilskudsordninger/ny?fra={source.id}").get_data(as_text=True)
    pool = db.session.scalar(db.select(Pool).where(Pool.name == f"Lokaletilskud {year + 1}"))
    campaign = db.session.scalar(db.select(ReportingCampaign).where(ReportingCampaign.year == year + 1))
    assert f'value="Lokaletilskud {year + 1}"' in page
    assert f'<option selected value="{pool.id}">' in page and f'<option selected value="{campaign.id}">' in page
    assert 'value="131"' in page and 'value="65"' in page  # the cap per hour and the percentage carried over

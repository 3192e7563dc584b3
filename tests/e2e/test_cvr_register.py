"""The CVR register in a real browser (the loopback stand-in behind the live app): a new person types a ceased
CVR number and is refused next to the field, with everything typed kept; an active one fills name and address."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import cvr_standin as standin
from tests.e2e.conftest import LIVE_APPS
from tests.e2e.journeys import look, person, sign_up, unique


@pytest.fixture
def register_on(live_server, cvr_standin):
    """The live app asks the stand-in for this test only (the other journeys run without a register)."""
    config = LIVE_APPS[live_server].config
    before = {key: config.get(key) for key in cvr_standin.config()}
    cvr_standin.reset()
    config.update(cvr_standin.config(CVR_REGISTER_TIMEOUT_SECONDS=3))
    yield cvr_standin
    config.update(before)


def test_a_ceased_cvr_is_refused_at_registration(browser, live_server, register_on):
    tag = unique("roklub")
    with person(browser, live_server) as page:
        sign_up(page, live_server, "Ida Åre", f"{tag}@formand.example")
        page.goto(f"{live_server}/forening/ny")
        page.get_by_role("radio", name="En forening med CVR-nummer").check()
        page.get_by_role("textbox", name="CVR-nummer").fill(standin.CEASED_CVR)
        page.get_by_label("Hvad laver foreningen?").fill("Vi ror på fjorden.")
        page.get_by_role("button", name="Hent fra CVR-registret").click()
        expect(page.locator("#cvr-error")).to_contain_text("er ophørt")
        expect(page.get_by_label("Hvad laver foreningen?")).to_have_value("Vi ror på fjorden.")
        page.get_by_label("Foreningens navn").fill("Gamle Roklub")
        page.get_by_role("textbox", name="Adresse", exact=True).fill("Havnen 1")
        page.get_by_label("Postnummer").fill("2730")
        page.get_by_role("textbox", name="By", exact=True).fill("Herlev")
        page.get_by_role("group", name="Har foreningen aktiviteter for børn under 15 år?").get_by_label("Nej").check()
        page.get_by_role("button", name="Registrér foreningen").click()
        expect(page.locator("#cvr-error")).to_contain_text("er ophørt")
        expect(page.locator("#error-summary")).to_contain_text("er ophørt")
        expect(page.get_by_label("Foreningens navn")).to_have_value("Gamle Roklub")
        assert "/forening/ny" in page.url
        look(page, "association-register-ceased-cvr")
        page.get_by_role("textbox", name="CVR-nummer").fill(standin.ACTIVE_CVR)
        for label in ("Foreningens navn", "Postnummer"):
            page.get_by_label(label).fill("")
        page.get_by_role("textbox", name="Adresse", exact=True).fill("")
        page.get_by_role("textbox", name="By", exact=True).fill("")
        page.get_by_role("button", name="Hent fra CVR-registret").click()
        expect(page.get_by_label("Foreningens navn")).to_have_value("Skakklubben Springeren")
        expect(page.get_by_role("textbox", name="Adresse", exact=True)).to_have_value("Torvet 3")
        expect(page.get_by_label("Hvad laver foreningen?")).to_have_value("Vi ror på fjorden.")
        look(page, "association-register-fetched")

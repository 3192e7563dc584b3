"""Issue 23's journey in a real browser: a board member logs in with MitID Erhverv at the test NemLog-in
(pysaml2's IdP on loopback), registers her association with the CVR from the log-in and the name and address
from the CVR register (its loopback stand-in), and applies."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LIVE_APPS, check_a11y, serve_demo
from tests.e2e.journeys import look, person
from tests.e2e.staff_helpers import apply_for
from tests.nemlogin_idp import CVR_X, LoopbackIdP


@pytest.fixture(scope="module")
def mitid_server(tmp_path_factory, cvr_standin):
    """The demo app on its own port with NemLog-in configured against the loopback test IdP and the CVR register
    against its loopback stand-in."""
    tmp = tmp_path_factory.mktemp("e2e-mitid")
    base, server = serve_demo(tmp)
    cvr_standin.reset()
    LIVE_APPS[base].config.update(cvr_standin.config(CVR_REGISTER_TIMEOUT_SECONDS=3))
    idp = LoopbackIdP(tmp).start(LIVE_APPS[base])
    yield base
    idp.stop()
    server.shutdown()


def test_board_member_logs_in_with_mitid_erhverv_registers_and_applies(browser, mitid_server):
    base = mitid_server
    with person(browser, base) as page:
        page.goto(f"{base}/konto/log-ind")
        look(page, "mitid-login")
        page.get_by_role("link", name="Log ind med MitID").click()
        expect(page.get_by_role("heading", name="Test-NemLog-in")).to_be_visible()
        page.get_by_label("MitID Erhverv: formand for Roklubben Bølgen").check()
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_url("**/forening/ny")
        expect(page.get_by_text(CVR_X)).to_be_visible()
        expect(page.get_by_text("kan ikke ændres")).to_be_visible()
        # From the CVR register: name and address (the register's, not only NemLog-in's organisation name).
        expect(page.get_by_label("Foreningens navn")).to_have_value("Roklubben Bølgen")
        expect(page.get_by_role("textbox", name="Adresse", exact=True)).to_have_value("Havnevej 1")
        expect(page.get_by_label("Postnummer")).to_have_value("9999")
        expect(page.get_by_role("textbox", name="By", exact=True)).to_have_value("Eksempelby")
        look(page, "mitid-register")
        page.get_by_label("Hvad laver foreningen?").fill("Vi ror på fjorden hele året.")
        page.get_by_role("group", name="Har foreningen aktiviteter for børn under 15 år?").get_by_label("Nej").check()
        page.get_by_role("button", name="Registrér foreningen").click()
        page.wait_for_url("**/forening/foreninger/*")
        expect(page.get_by_text("Roklubben Bølgen er registreret, og du er formand.")).to_be_visible()
        check_a11y(page, "association page after MitID registration")
        number = apply_for(page, base, 4000)
        assert number

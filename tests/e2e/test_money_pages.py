"""The pages where money and security are looked after, read at 1280 and 360 px: approvals under the
to-mandsregel, payouts, a payout batch with its payment status upload (and a refused file), the pool ledger, the committee's budget lines, failed notices, the Sikkerhed page.
axe on each, nothing sideways on the phone, screenshots to test-artifacts/screenshots/."""
from __future__ import annotations

import pytest

from tests.e2e.staff_helpers import actor, look

pytestmark = pytest.mark.e2e

PAGES = {
    "sagsbehandler@demo.dk": [("/sagsbehandling/godkendelser/", "approvals"), ("/udbetalinger/", "payouts"),
                              ("/konto/sikkerhed", "security-staff")],
    "admin@demo.dk": [("/admin/puljer", "admin-pools"), ("/administration/beskeder/", "notices")],
    "formand.kfu@demo.dk": [("/sagsbehandling/udvalg", "committee-budget-lines")],
    "forening@demo.dk": [("/konto/sikkerhed", "security-member")],
}


@pytest.mark.parametrize("email", PAGES)
def test_money_and_security_pages_read_on_desk_and_phone(browser, live_server, email):
    with actor(browser, live_server, email) as page:
        for path, name in PAGES[email]:
            page.goto(f"{live_server}{path}")
            assert page.url.startswith(f"{live_server}{path}"), f"{path} went to {page.url}"
            look(page, name)
        if email == "sagsbehandler@demo.dk":  # the demo's paid batch: files, lines with kontering, status upload
            page.goto(f"{live_server}/udbetalinger/")
            page.locator("main table a[href^='/udbetalinger/bunker/']").first.click()
            page.wait_for_load_state()
            assert page.get_by_role("heading", name="Betalingsstatus fra økonomisystemet").count() == 1
            look(page, "payout-batch")
            page.get_by_label("Betalingsstatus fra økonomisystemet (pain.002, XML)").set_input_files(
                files=[{"name": "status.xml", "mimeType": "application/xml", "buffer": b"<Document><halv"}])
            page.get_by_role("button", name="Indlæs betalingsstatus").click()
            page.wait_for_load_state()
            assert page.locator("#status-file-error").inner_text().strip().endswith(
                "Filen kan ikke læses som XML. Vælg den betalingsstatus (pain.002), økonomisystemet har sendt.")
            look(page, "payout-batch-bad-file")
        if email == "admin@demo.dk":  # one pool's form, with its ledger
            page.goto(f"{live_server}/admin/puljer")
            page.locator("main table a[href^='/admin/puljer/']").first.click()
            page.wait_for_load_state()
            assert page.get_by_role("heading", name="Puljens regnskab").count() == 1
            look(page, "pool-ledger")

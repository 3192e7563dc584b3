"""Issue 24's "Done when", tried as a caseworker would in a real browser, on a demo server wired to the national
infrastructure's loopback stand-ins: Digital Post through SF1601, the ESDH (GetOrganized) and the finance system.

A caseworker decides a case through the pages; the server's in-process tasks send the letter as one MeMo and
journalise the case; the case page shows "Sendt med Digital Post <dag> kl. <tid>" and the ESDH case number. Then
the payout: a batch made by one caseworker and approved by another (to-mandsregel), its pain.001 downloaded from the
batch page and handed to the finance system, whose pain.002 answer is uploaded on the same page; the line is paid
and the pool's ledger shows the money as paid.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import LIVE_APPS, serve_demo
from tests.e2e.staff_helpers import (POOL_NAME, act, actor, apply_for, assess, flash, look, open_from_queue,
                                     take_and_screen)
from tests.finance_standin import FinanceStandin
from tests.getorganized_standin import GetOrganizedStandin
from tests.sf1601_standin import Sf1601Standin

pytestmark = pytest.mark.e2e

MUSIK = ("formand26@forening.example", "Foreningen Unge Musikere")
CRITERIA = {"Samspil": 4, "Synlighed": 3, "Nye initiativer": 5}
AMOUNT = 10_000
DEBTOR = {"FINANCE_DEBTOR_ACCOUNT": "1234-0001234567", "FINANCE_DEBTOR_CVR": "29189846",
          "FINANCE_DEBTOR_BIC": "DABADKKK"}


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """The three stand-ins on loopback and a demo server configured to use them."""
    tmp = tmp_path_factory.mktemp("national")
    sf1601, esdh, finance = Sf1601Standin().up(), GetOrganizedStandin(), FinanceStandin().start()
    base, server = serve_demo(tmp, **sf1601.config(tmp), **esdh.config(), **DEBTOR)
    yield base, sf1601, esdh, finance
    server.shutdown()
    sf1601.down()
    esdh.down()
    finance.stop()


def _decision(base: str, number: str):
    """The live app's newest decision in the case: (association CVR, Digital Post time as the page words it)."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.formatting import day_at
    from app.models import Case, Decision
    with LIVE_APPS[base].app_context():
        case = db.session.scalar(sa.select(Case).where(Case.number == number))
        decision = db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id)
                                     .order_by(Decision.id.desc()).limit(1))
        found = (case.association.cvr, decision.digital_post_status, day_at(decision.digital_post_at, "da"))
        db.session.remove()
    return found


def _decide(page, base: str, number: str) -> None:
    """Assess, recommend and grant within the caseworker's delegation, past the letter's preview."""
    open_from_queue(page, base, MUSIK[1], number)
    take_and_screen(page)
    assess(page, CRITERIA, AMOUNT, "Vi indstiller 10.000 kr., da holdet er nyt.")
    act(page, "Indstil", "Indstillet")
    page.get_by_role("region", name="Handlinger og afgørelse").get_by_role("button", name="Bevilg", exact=True).click()
    expect(page.get_by_role("heading", name="Se brevet, før det sendes")).to_be_visible()
    page.get_by_role("button", name=f"Bevilg 10.000 kr. til {MUSIK[1]} og send brevet").click()
    flash(page, "Afgørelsen er truffet, og brevet sendes til foreningen")


def _wait_for_digital_post(page) -> None:
    """The letter is written and sent in the background: reload, as the page tells a person to."""
    line = page.locator("#digital-post")
    for _ in range(20):
        if line.count() and page.locator("#esdh-number").count():
            return
        page.wait_for_timeout(300)
        page.reload()
    raise AssertionError(f"no Digital Post line or ESDH number on {page.url}: "
                         f"{page.locator('#afgoerelse').all_inner_texts()}")


def _check_the_case_page(page, base: str, number: str, sf1601, esdh, before: tuple[int, int, int]) -> None:
    """The Digital Post line with its time and the ESDH number on the case page; what the stand-ins received."""
    cvr, status, when = _decision(base, number)
    assert status == "sent"
    assert re.fullmatch(r"\d{1,2}\. \w+\. kl\. \d{2}\.\d{2}", when), when
    expect(page.locator("#digital-post")).to_have_text(f"Sendt med Digital Post {when}")
    # The demo's own history went to the stand-ins while it was seeded: count what this journey sent.
    memos, cases, documents = (sf1601.received[before[0]:], esdh.cases[before[1]:], esdh.documents[before[2]:])
    # Exactly one MeMo: to the association by CVR, the case number as reference, the PDF and the web page attached.
    assert len(memos) == 1, [m.message.case_number for m in memos]
    memo = memos[0].message
    assert (memo.recipient_id, memo.recipient_type, memo.case_number) == (cvr, "CVR", number)
    assert number in memo.title
    assert [kind for _, kind, _ in memo.files] == ["application/pdf", "text/html"]
    # Exactly one ESDH case, made for ours; its number is on the case page, and the letter is filed on it.
    assert len(cases) == 1, cases
    assert number in " ".join(cases[0].metadata.values()), cases[0].metadata
    expect(page.locator("#esdh-number")).to_have_text(cases[0].case_id)
    assert [d.case_id for d in documents] == [cases[0].case_id], documents
    journal = page.get_by_role("region", name="Journal")
    expect(journal.get_by_text("Afgørelsesbrevet er sendt med Digital Post").first).to_be_visible()


def _decisions_page(page) -> None:
    page.get_by_role("link", name="Afgørelser og breve").click()
    page.wait_for_url("**/afgoerelser")
    row = page.get_by_role("row").filter(has_text="Bevilget")
    expect(row.get_by_text(re.compile(r"Sendt med Digital Post \d"))).to_be_visible()
    look(page)
    page.go_back()


def _ledger_paid(page, base: str) -> int:
    """The pool's ledger on the administrator's pool page: what it shows as paid (Udbetalt), in kroner."""
    page.goto(f"{base}/admin/puljer")
    page.get_by_role("link", name=POOL_NAME).first.click()
    page.wait_for_load_state()
    ledger = page.locator("dl[aria-labelledby='ledger-heading']")
    return _kroner(ledger.locator("dt:text-is('Udbetalt') + dd").inner_text())


def _kroner(text: str) -> int:
    """'12.000 kr.' -> 12000 (whole kroner, as the pages show amounts)."""
    return int(re.sub(r"\D", "", text))


def _make_batch(page, base: str) -> str:
    """The first caseworker makes the payout batch; returns its URL."""
    page.goto(f"{base}/udbetalinger/")
    page.get_by_role("button", name="Opret udbetaling", exact=True).click()
    flash(page, "Udbetalingen er oprettet som kladde.")
    expect(page.get_by_text("Venter på godkendelse (to-mandsreglen)")).to_be_visible()
    return page.url


def _approve(page, batch_url: str) -> None:
    page.goto(batch_url)
    page.get_by_label("Bemærkning").fill("Kontrolleret mod bevillingerne.")
    page.get_by_role("button", name="Godkend udbetalingen").click()
    flash(page, "Udbetalingen er godkendt og kan nu sendes til økonomisystemet.")


def _send_to_finance(page, batch_url: str, finance, tmp: Path) -> Path:
    """Download the pain.001, mark the batch sent, hand the file to the finance system; its answer as a file."""
    page.goto(batch_url)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Betalingsfil til økonomisystemet \(ISO 20022 XML")).click()
    order = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename.startswith("udbetaling-")
    page.get_by_role("button", name="Markér som sendt til økonomi").click()
    flash(page, "Udbetalingen er markeret som sendt til økonomisystemet.")
    answer = requests.post(finance.url, data=order, headers={"Content-Type": "application/xml"}, timeout=10)
    answer.raise_for_status()
    assert len(finance.received) == 1
    path = tmp / "betalingsstatus.xml"
    path.write_bytes(answer.content)
    return path


def _pool_lines_total(page) -> int:
    """The paid lines of the pool on the batch page (their text names the pool), in kroner."""
    total = 0
    for row in page.get_by_role("table", name="Linjer i udbetalingsfilen").locator("tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        if POOL_NAME in cells[4]:
            assert cells[7].startswith("Betalt"), cells
            total += _kroner(cells[6])
    return total


def _our_line(page, number: str):
    return page.get_by_role("table", name="Linjer i udbetalingsfilen").get_by_role("row").filter(has_text=number)


def test_decision_by_digital_post_journalised_and_paid(browser, national, tmp_path):
    base, sf1601, esdh, finance = national
    before = (len(sf1601.received), len(esdh.cases), len(esdh.documents))
    with actor(browser, base, "admin@demo.dk") as admin:
        paid_before = _ledger_paid(admin, base)
        with actor(browser, base, MUSIK[0]) as chair:
            number = apply_for(chair, base, amount=12_000)
        with actor(browser, base, "sagsbehandler@demo.dk") as caseworker:
            _decide(caseworker, base, number)
            _wait_for_digital_post(caseworker)
            _check_the_case_page(caseworker, base, number, sf1601, esdh, before)
            look(caseworker, "national-case-digital-post")
            _decisions_page(caseworker)

            batch_url = _make_batch(caseworker, base)
            with actor(browser, base, "sagsbehandler2@demo.dk") as second:
                _approve(second, batch_url)
            status_file = _send_to_finance(caseworker, batch_url, finance, tmp_path)
            line = _our_line(caseworker, number)
            expect(line.locator("td").nth(7)).to_have_text("Afventer svar")
            caseworker.get_by_label("Betalingsstatus fra økonomisystemet (pain.002, XML)").set_input_files(status_file)
            caseworker.get_by_role("button", name="Indlæs betalingsstatus").click()
            flash(caseworker, "Betalingsstatus er indlæst:")
            # The line paid with the finance system's reference, and with every line answered the batch is paid.
            expect(line.locator("td").nth(7)).to_have_text(re.compile(r"^Betalt\s*Reference: BANK-\d+$"))
            expect(caseworker.locator(".app-facts dt:text-is('Status') + dd")).to_have_text("Betalt")
            look(caseworker, "national-batch-paid")
            in_pool = _pool_lines_total(caseworker)
        # The ledger shows as paid what the finance system paid on the pool's lines: ours and any other due.
        assert AMOUNT <= in_pool
        assert _ledger_paid(admin, base) == paid_before + in_pool
        look(admin, "national-pool-ledger")

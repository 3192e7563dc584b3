"""The finance system round trip (issue 24): kontering copied onto the lines, the payment order as ISO 20022
pain.001 validated against the vendored XSD, the status report (pain.002) from a loopback finance system read
back line by line: paid lines paid (the pool ledger shows it), a rejected line with its reason, differences shown
and never applied, the same file twice changing nothing, bad files refused in Danish.
"""
from __future__ import annotations

import pytest
import requests
import sqlalchemy as sa
import xmlschema

from app import clock
from app.extensions import db
from app.models import (Case, CaseEvent, PaymentBatch, PaymentBatchLine, PaymentInstalment, PaymentStatusDifference,
                        PaymentStatusImport)
from app.services.money import payouts, reconciliation
from app.services.money.iso20022 import pain001
from app.services.pools import ledger
from tests.finance_standin import read_order, status_report

TODAY = clock.today()
ACCOUNT = "1234-0001234567"


@pytest.fixture(autouse=True)
def _payer(app):
    app.config.update(FINANCE_DEBTOR_ACCOUNT=ACCOUNT, FINANCE_DEBTOR_CVR="29189846")


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _sent_batch(world, *amounts: int) -> PaymentBatch:
    """Grants for `amounts` (the first two to different associations), batched, approved and sent."""
    world.pool.account_code, world.pool.cost_centre, world.pool.psp_element = "0.35.64.1.5", "KF100", "XG-0001234-01"
    db.session.commit()
    cases = [world.granted(a, association=world.other if i == 1 else None,
                           applicant=world.other_member if i == 1 else None, title=f"Sag {i}")
             for i, a in enumerate(amounts)]
    batch = payouts.create_batch(world.caseworker, TODAY)
    world.approve(batch)
    payouts.mark_sent(batch.id, world.caseworker)
    db.session.expire_all()
    batch = db.session.get(PaymentBatch, batch.id)
    batch.cases = cases
    return batch


def _upload(client, batch_id: int, data: bytes, name: str = "status.xml"):
    import io
    return client.post(f"/udbetalinger/bunker/{batch_id}/betalingsstatus",
                       data={"status_file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_kontering_is_copied_onto_the_lines_and_a_later_change_leaves_them(world):
    batch = _sent_batch(world, 10_000)
    world.pool.account_code, world.pool.cost_centre, world.pool.psp_element = "0.35.60.2.5", "KF200", None
    db.session.commit()
    line = db.session.scalars(sa.select(PaymentBatchLine)).one()
    assert (line.account_code, line.cost_centre, line.psp_element) == ("0.35.64.1.5", "KF100", "XG-0001234-01")
    assert pain001.kontering(line) == ["KONTO=0.35.64.1.5", "OMKST=KF100", "PSP=XG-0001234-01"]
    assert batch.status == "sent"


def test_payment_order_validates_against_the_xsd_and_carries_cvr_amount_and_kontering(world, client, auth):
    batch = _sent_batch(world, 10_000, 7_500)
    auth.login("mette@kommune.dk")
    page = client.get(f"/udbetalinger/bunker/{batch.id}").get_data(as_text=True)
    assert "pain.001" in page and "0.35.64.1.5 / KF100 / XG-0001234-01" in page
    response = client.get(f"/udbetalinger/bunker/{batch.id}/udbetaling.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    # Checked again here, independently of the app's own check, against the vendored official schema.
    xmlschema.XMLSchema(str(pain001.SCHEMA_FILE)).validate(response.get_data(as_text=True))
    order = read_order(response.data)
    lines = {str(line.id): line for line in db.session.scalars(sa.select(PaymentBatchLine))}
    assert order["message_id"] == f"FS-UDB-{batch.id}" and order["count"] == "2"
    assert sorted((t["end_to_end_id"], t["cvr"], t["scheme"], t["amount"], t["currency"]) for t in order["transfers"]) \
        == sorted((str(i), line.cvr, "CVR", f"{line.amount}.00", "DKK") for i, line in lines.items())
    assert {t["cvr"] for t in order["transfers"]} == {"12345674", "29403473"}
    assert all(t["kontering"] == ["KONTO=0.35.64.1.5", "OMKST=KF100", "PSP=XG-0001234-01"]
               for t in order["transfers"])
    assert ACCOUNT.encode() in response.data and b"<Issr>DK:CVR</Issr>" in response.data


def test_without_the_municipalitys_account_the_xml_says_what_to_configure(world, app, client, auth):
    batch = _sent_batch(world, 10_000)
    app.config["FINANCE_DEBTOR_ACCOUNT"] = None
    auth.login("mette@kommune.dk")
    page = client.get(f"/udbetalinger/bunker/{batch.id}/udbetaling.xml", follow_redirects=True)
    assert page.status_code == 200 and "FINANCE_DEBTOR_ACCOUNT" in page.get_data(as_text=True)


def test_status_report_marks_paid_and_rejected_lines_and_the_pool_ledger_shows_it(world, client, auth,
                                                                                 finance_system):
    batch = _sent_batch(world, 10_000, 7_500)
    paid_case, rejected_case = batch.cases
    rejected = db.session.scalar(sa.select(PaymentBatchLine).where(PaymentBatchLine.case_id == rejected_case.id))
    auth.login("mette@kommune.dk")
    order = client.get(f"/udbetalinger/bunker/{batch.id}/udbetaling.xml").data
    finance_system.reject = {str(rejected.id)}
    answer = requests.post(finance_system.url, data=order, timeout=5)
    assert answer.status_code == 200 and len(finance_system.received) == 1
    assert ledger.ledger(world.pool.id).paid == 0

    response = _upload(client, batch.id, answer.content)
    assert response.status_code == 302
    page = client.get(f"/udbetalinger/bunker/{batch.id}").get_data(as_text=True)
    assert "1 betalt, 1 afvist" in page and "AC04: NemKonto ikke fundet for CVR" in page and "Afvist" in page
    db.session.expire_all()
    assert ledger.ledger(world.pool.id).paid == 10_000
    assert db.session.get(Case, paid_case.id).state == "paid"  # through the engine, as "Markér som betalt" does
    assert db.session.get(Case, rejected_case.id).state != "paid"
    line = db.session.get(PaymentBatchLine, rejected.id)
    assert (line.status, line.failure_reason) == ("failed", "AC04: NemKonto ikke fundet for CVR")
    assert db.session.get(PaymentBatch, batch.id).status == "paid"  # every line answered
    assert _count(CaseEvent, CaseEvent.action == "payout_line_paid", CaseEvent.case_id == paid_case.id) == 1

    # The same file again: nothing changes, and the caseworker is told so.
    again = _upload(client, batch.id, answer.content)
    assert again.status_code == 302
    assert "allerede indlæst" in client.get(f"/udbetalinger/bunker/{batch.id}").get_data(as_text=True)
    assert _count(PaymentStatusImport) == 1 and _count(CaseEvent, CaseEvent.kind == "payout") == 2
    assert ledger.ledger(world.pool.id).paid == 10_000


def test_amount_difference_unknown_line_and_a_line_paid_twice_are_shown_and_not_applied(world, client, auth,
                                                                                       finance_system):
    batch = _sent_batch(world, 10_000, 7_500)
    first, second = sorted(db.session.scalars(sa.select(PaymentBatchLine)), key=lambda x: x.id)
    auth.login("mette@kommune.dk")
    order = read_order(client.get(f"/udbetalinger/bunker/{batch.id}/udbetaling.xml").data)
    report = status_report(order, amount_off={str(second.id)}, unknown=["999999"])
    # The first line reported paid twice in one file: once is applied, the second is a difference.
    twice = report.replace(b"</OrgnlPmtInfAndSts>", (
        f"<TxInfAndSts><OrgnlEndToEndId>{first.id}</OrgnlEndToEndId><TxSts>ACSC</TxSts>"
        f"<AcctSvcrRef>BANK-ANDEN</AcctSvcrRef></TxInfAndSts></OrgnlPmtInfAndSts>").encode())
    assert _upload(client, batch.id, twice).status_code == 302
    page = client.get(f"/udbetalinger/bunker/{batch.id}").get_data(as_text=True)
    assert "Beløbet passer ikke: udbetalingen er på 7.500 kr., filen siger 7501.00." in page
    assert "Linjen findes ikke i denne udbetalings XML-fil." in page
    assert "Linjen er meldt betalt to gange." in page
    assert "3 linjer i filen passer ikke med udbetalingen" in page
    db.session.expire_all()
    assert sorted(_d.kind for _d in db.session.scalars(sa.select(PaymentStatusDifference))) == [
        "amount", "paid_twice", "unknown_line"]
    assert db.session.get(PaymentBatchLine, first.id).status == "paid"
    assert db.session.get(PaymentBatchLine, second.id).status == "sent"  # the amount differed: not applied
    assert db.session.get(PaymentInstalment, second.instalment_id).paid_at is None
    assert db.session.get(PaymentBatch, batch.id).status == "sent"  # a line still waits for its answer


def test_bad_files_get_a_danish_message_by_the_field_and_change_nothing(world, client, auth, finance_system):
    batch = _sent_batch(world, 10_000)
    auth.login("mette@kommune.dk")
    order = client.get(f"/udbetalinger/bunker/{batch.id}/udbetaling.xml").data
    finance_system.mode = "down"
    assert requests.post(finance_system.url, data=order, timeout=5).status_code == 503
    finance_system.mode = "garbled"
    garbled = requests.post(finance_system.url, data=order, timeout=5).content
    other = status_report({"message_id": "FS-UDB-999", "transfers": []})
    cases = [(garbled, "Filen kan ikke læses som XML."), (b"", "Vælg en fil med betalingsstatus"),
             (order, "Filen er ikke en betalingsstatus i formatet ISO 20022 pain.002.001.03."),
             (other, "Filen er svar på en anden udbetalingsfil (FS-UDB-999), ikke denne."),
             (b'<!DOCTYPE d [<!ENTITY x "y">]><d>&x;</d>', "Filen kan ikke læses som XML.")]
    for data, message in cases:
        response = _upload(client, batch.id, data)
        body = response.get_data(as_text=True)
        assert response.status_code == 400 and message in body and 'id="status-file-error"' in body, message
    assert _count(PaymentStatusImport) == 0 and _count(PaymentBatchLine, PaymentBatchLine.status != "sent") == 0


def test_a_draft_batch_takes_no_status_file(world, finance_system):
    world.granted(10_000)
    batch = payouts.create_batch(world.caseworker, TODAY)  # waits for the second person (to-mandsregel)
    order = {"message_id": pain001.message_id(batch.id), "transfers": []}
    with pytest.raises(reconciliation.ImportRefused) as refused:
        reconciliation.import_status_report(batch.id, world.caseworker, status_report(order))
    assert refused.value.code == "not_sent"

"""The report form in the portal, the caseworker's review page, and who may see what."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import Case, RepaymentClaim
from app.services.money import reporting, repayment
from tests.reporting.conftest import PDF


def _form(**kw) -> dict:
    data = {"activity_text": "Vi spillede fodbold hver tirsdag.", "participants_0_12": "25",
            "participants_13_18": "5", "unused_amount": "0", "accounts": (io.BytesIO(PDF), "regnskab.pdf")}
    data.update(kw)
    return data


def test_member_reports_from_the_portal(world, client, auth):
    case = world.report_due()
    auth.login("karen@example.dk")
    page = client.get(f"/forening/sager/{case.id}/afrapportering").get_data(as_text=True)
    assert "Send jeres afrapportering" in page and "13–18 år" in page
    response = client.post(f"/forening/sager/{case.id}/afrapportering", data=_form(),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "reported"
    assert "Det har I sendt" in client.get(f"/forening/sager/{case.id}/afrapportering").get_data(as_text=True)


def test_bad_input_gets_danish_messages_and_keeps_what_was_typed(world, client, auth):
    case = world.report_due()
    auth.login("karen@example.dk")
    response = client.post(f"/forening/sager/{case.id}/afrapportering",
                           data=_form(activity_text="", participants_0_12="mange", unused_amount="99999999",
                                      participants_13_18="7"), content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Skriv, hvad I har lavet." in page and "Skriv et helt tal" in page and 'value="mange"' in page
    too_much = client.post(f"/forening/sager/{case.id}/afrapportering", data=_form(unused_amount="20000"),
                           content_type="multipart/form-data")
    assert too_much.status_code == 400 and "større end det bevilgede" in too_much.get_data(as_text=True)
    bad_file = client.post(f"/forening/sager/{case.id}/afrapportering",
                           data=_form(accounts=(io.BytesIO(b"\x00\x01binary"), "virus.exe")),
                           content_type="multipart/form-data")
    assert bad_file.status_code == 400 and "Filtypen kan ikke bruges" in bad_file.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "report_due"


def test_another_associations_member_gets_404(world, client, auth):
    case = world.report_due()
    claim = repayment.create_claim(case.id, world.caseworker, 1_000, "Ikke brugt", clock.today() + timedelta(days=30))
    auth.login("ole@example.dk")
    assert client.get(f"/forening/sager/{case.id}/afrapportering").status_code == 404
    assert client.post(f"/forening/sager/{case.id}/afrapportering", data=_form(),
                       content_type="multipart/form-data").status_code == 404
    assert client.get(f"/forening/sager/{case.id}/tilbagebetaling/{claim.id}/brev").status_code == 404
    auth.logout()
    auth.login("karen@example.dk")
    letter = client.get(f"/forening/sager/{case.id}/tilbagebetaling/{claim.id}/brev")
    assert letter.status_code == 200 and letter.data.startswith(b"%PDF")


@pytest.mark.parametrize("url", ["/afrapporteringer/", "/afrapporteringer/sager/1"])
def test_applicants_get_403_on_staff_pages(world, client, auth, url):
    auth.login("karen@example.dk")
    assert client.get(url).status_code == 403


def test_caseworker_reviews_asks_for_more_and_claims_money_back(world, client, auth):
    case = world.report_due()
    auth.login("karen@example.dk")
    client.post(f"/forening/sager/{case.id}/afrapportering", data=_form(unused_amount="1500"),
                content_type="multipart/form-data")
    auth.logout()
    auth.login("mette@kommune.dk")
    assert case.number in client.get("/afrapporteringer/").get_data(as_text=True)
    page = client.get(f"/afrapporteringer/sager/{case.id}").get_data(as_text=True)
    assert "Vi spillede fodbold" in page and "Godkend afrapportering" in page
    version = db.session.get(Case, case.id).version
    missing = client.post(f"/afrapporteringer/sager/{case.id}/handling",
                          data={"action": "request_more_report", "version": version, "comment": ""})
    assert missing.status_code == 400 and "Skriv, hvad foreningen skal uddybe." in missing.get_data(as_text=True)
    bad_claim = client.post(f"/afrapporteringer/sager/{case.id}/tilbagebetaling",
                            data={"amount": "50000", "reason": "Ubrugt", "due_on": "01.01.2099"})
    assert bad_claim.status_code == 400 and "større end det, der kan kræves" in bad_claim.get_data(as_text=True)
    client.post(f"/afrapporteringer/sager/{case.id}/tilbagebetaling",
                data={"amount": "1.500", "reason": "Ubrugt", "due_on": "01.01.2099"})
    assert db.session.scalars(db.select(RepaymentClaim)).one().amount == 1_500
    client.post(f"/afrapporteringer/sager/{case.id}/handling", data={"action": "approve_report", "version": version})
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "closed"


def test_a_lost_race_on_the_report_says_what_the_colleague_did(world, client, auth, factory):
    """Two caseworkers review one report: the slower one sees who approved it, and nothing more happens."""
    case = world.report_due()
    auth.login("karen@example.dk")
    client.post(f"/forening/sager/{case.id}/afrapportering", data=_form(), content_type="multipart/form-data")
    auth.logout()
    colleague = factory.user("caseworker", email="lone@kommune.dk", name="Lone Lund")
    db.session.commit()
    auth.login("mette@kommune.dk")
    page = client.get(f"/afrapporteringer/sager/{case.id}").get_data(as_text=True)
    seen = int(page.split('name="seen" value="')[1].split('"')[0])
    version = db.session.get(Case, case.id).version
    reporting.review(case.id, "approve_report", colleague, expected_version=version)
    body = client.post(f"/afrapporteringer/sager/{case.id}/handling", follow_redirects=True,
                       data={"action": "request_more_report", "version": version, "seen": seen,
                             "comment": "Send kvitteringerne"}).get_data(as_text=True)
    assert "ændret af en anden" in body and "Lone Lund" in body and "Godkend afrapportering" in body
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "closed"

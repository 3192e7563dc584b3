"""A repayment claim is a decision: it stores the basis and guidance of the pool's one library entry, its
letter carries the guidance, and the association reads it as a web page with the PDF's words."""
from __future__ import annotations

import html
import io
import re
from datetime import timedelta

from pypdf import PdfReader

from app import clock
from app.extensions import db
from app.models import RepaymentClaim
from app.models.legal_basis import SEED
from app.services.files import storage as files
from app.services.money import repayment, reporting
from tests.factories import LegalBasisFactory
from tests.reporting.test_reporting import _input, _pdf

FOLKEOPLYSNING = next(row for row in SEED if row[0] == "folkeoplysning-18")


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_claim_letter_has_guidance_and_a_page(world, client, auth):
    _, name, appeal, _ = FOLKEOPLYSNING
    world.pool.basis = LegalBasisFactory(code="test-fol-18", name=name, appeal_text=appeal)
    db.session.commit()
    case = world.report_due(10_000)
    reporting.submit_report(case.id, world.member, _input(unused_amount=2_500), _pdf())
    claim = repayment.create_claim(case.id, world.caseworker, 2_500, "Pengene til bussen blev ikke brugt.",
                                   clock.today() + timedelta(days=30))
    claim = db.session.get(RepaymentClaim, claim.id)
    assert (claim.legal_basis, claim.appeal_text) == (name, appeal)
    reader = PdfReader(io.BytesIO(files.read_bytes(claim.letter_document.storage_key)))
    printed = _flat(" ".join(page.extract_text() for page in reader.pages))
    url = f"/forening/sager/{case.id}/breve/{claim.letter_document_id}"
    auth.login(world.other_member.email)
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login(world.member.email)
    resp = client.get(url)
    assert resp.status_code == 200
    page = _flat(html.unescape(re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True))))
    for piece in ("Vi kræver 2.500 kr. af jeres tilskud betalt tilbage.", "Pengene til bussen blev ikke brugt.",
                  "Kravet er rejst efter folkeoplysningslovens § 18.", "Klagevejledning",
                  *(_flat(p) for p in appeal.split("\n\n"))):
        assert piece in page, piece
        assert piece in printed, piece
    report_page = client.get(f"/forening/sager/{case.id}/afrapportering").get_data(as_text=True)
    assert f'href="{url}"' in report_page

"""Every letter variant as one lawful whole (issue 19): the legal basis and the appeal guidance come from one
entry of the library, the letter speaks to the association as I/jer throughout, never in the caseworker's
recommending voice, and every PDF the app writes embeds its fonts."""
from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader

from app.models.legal_basis import SEED
from app.pdf import repayment
from app.pdf.letter import compose, render_decision_letter
from tests.pdf.conftest import SENDER, VARIANTS, letter
from tests.security.test_escaping import _renderers

CREATED = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
SECOND_PERSON = re.compile(r"\b(du|dig|din|dit|dine)\b", re.IGNORECASE)


def _claim(**changes) -> repayment.RepaymentLetter:
    base = repayment.RepaymentLetter(
        sender=SENDER, addressee="Boldklubben Nordstjernen", address_lines=("Foreningsvej 1", "9999 Eksempelby"),
        case_number="2026-000042", case_title="Lokaletilskud til klubhuset", granted_amount=90_000, amount=10_000,
        reason="Aktiviteten blev mindre end planlagt.", due_on=date(2027, 1, 15), written_on=date(2026, 12, 3))
    return replace(base, **changes)


def _variants(name: str, appeal: str):
    """(variant, content, renderer) for every letter the app sends, with the library entry's two texts."""
    for variant, changes in VARIANTS.items():
        data = letter(**changes, legal_basis=name, appeal_text=appeal)
        yield variant, compose(data), lambda data=data: render_decision_letter(data, CREATED)
    claim = _claim(legal_basis=name, appeal_text=appeal)
    yield "repayment", repayment.compose(claim), lambda: repayment.render(claim, CREATED)


def _pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages).split())


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("code, name, appeal", [row[:3] for row in SEED], ids=[row[0] for row in SEED])
def test_every_variant_pairs_the_basis_with_its_own_guidance_in_one_voice(code, name, appeal):
    others = {a.split("\n\n")[0] for _, n, a, _ in SEED if a != appeal}
    variants = list(_variants(name, appeal))
    assert {v for v, _, _ in variants} >= {"granted", "partly_granted", "rejected", "correction", "premises_approved",
                                           "premises_rejected", "repayment"}
    for variant, content, _ in variants:
        text = content.text()
        headings = [b.text for b in content.body if b.kind == "heading"]
        assert "Lovgrundlag" in headings and "Klagevejledning" in headings, variant
        assert re.search(rf"(Afgørelsen er truffet|Kravet er rejst) efter {re.escape(name)}\.", text), variant
        for paragraph in appeal.split("\n\n"):
            assert paragraph in text, (variant, paragraph)
        assert not any(other in text for other in others), f"{variant}: another basis's guidance"
        assert "indstil" not in text.lower(), variant
        assert not SECOND_PERSON.search(text), (variant, SECOND_PERSON.search(text))


@pytest.mark.parametrize("variant", [*VARIANTS, "repayment"])
def test_the_pdf_says_what_the_content_says(variant):
    code, name, appeal, _ = SEED[0]
    [(_, content, render)] = [v for v in _variants(name, appeal) if v[0] == variant]
    printed = _pdf_text(render())
    for block in content.body + content.closing:
        for piece in (block.items if block.kind == "lines" else (block.text,)):
            if isinstance(piece, str) and piece:
                assert _flat(piece) in printed, (variant, piece)


def test_a_pool_named_case_is_not_followed_by_the_pool_again():
    text = compose(letter(case_title="Lokaletilskud 2026 – Boldklubben Nordstjernen")).text()
    assert "»Lokaletilskud 2026 – Boldklubben Nordstjernen«." in text and "fra Lokaletilskud 2026" not in text
    assert "til »Lokaletilskud til klubhuset« fra Lokaletilskud 2026." in compose(letter()).text()


def test_report_deadline_counts_from_the_payment_as_the_case_and_the_pool_page_do():
    """The deadline starts when the case is marked paid (workflows: mark_paid starts it), and every text says so."""
    text = compose(letter(report_due_on=date(2027, 3, 3))).text()
    assert "senest 3. marts 2027 (90 dage efter udbetalingen)" in text and "efter bevillingen" not in text
    assert "senest 90 dage efter udbetalingen" in compose(letter()).text()


def test_a_repayment_claim_without_appeal_guidance_is_refused():
    with pytest.raises(ValueError):
        repayment.render(_claim(appeal_text=" "), CREATED)


def _unembedded(pdf: bytes) -> list[str]:
    """Names of fonts used without their font program in the file."""
    missing = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(str(font.get("/BaseFont")))
    return missing


@pytest.mark.parametrize("name", ["letter", "minutes", "receipt", "repayment", "case_journal"])
def test_every_pdf_renderer_embeds_every_font(name):
    pdf = dict(_renderers())[name]()
    assert PdfReader(io.BytesIO(pdf)).pages[0].get("/Resources").get("/Font"), "no fonts found: the check can't fail"
    assert _unembedded(pdf) == []


def test_the_font_check_sees_an_unembedded_helvetica():
    from reportlab.pdfgen import canvas
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont("Helvetica", 12)
    page.drawString(100, 100, "Kvittering")
    page.save()
    assert _unembedded(out.getvalue()) == ["/Helvetica"]

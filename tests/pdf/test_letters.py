"""Letters as pure functions: what they say, that they are lawful, deterministic and valid PDF/A-1b."""
from __future__ import annotations

import io
import re
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader

from app.pdf.letter import PARTLY, REJECT, ReasonMissing, render_decision_letter
from app.pdf.minutes import render_minutes
from tests.pdf.conftest import VARIANTS, letter, minutes

CREATED = datetime(2026, 12, 3, 14, 30, tzinfo=timezone.utc)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_partly_granted_letter_says_what_the_law_requires():
    text = flat(text_of(render_decision_letter(letter(), CREATED)))
    for expected in ("Afgørelse om tilskud", "Kære Boldklubben Nordstjernen", "Sagsnr.: 2026-000042",
                     "Kultur- og Fritidsudvalget har på sit møde den 3. december 2026 besluttet at bevilge jer 90.000 kr. "
                     "af de 120.000 kr., I har søgt om", "Ansøgt beløb 120.000 kr.", "Bevilget beløb 90.000 kr.",
                     "Begrundelse", "bruges af børn fire dage om ugen", "Klagevejledning", "inden 4 uger",
                     "Afgørelsen er truffet efter folkeoplysningslovens § 25.", "NemKonto (CVR-nr. 12345674)",
                     "90 dage efter udbetalingen", "Kontakt Mette Sørensen på mette@kommune.example",
                     "Med venlig hilsen", "CVR-nr. 12345674", "Eksempel Kommune"):
        assert expected in text, expected


def test_rejection_without_reason_is_refused():
    with pytest.raises(ReasonMissing):
        render_decision_letter(letter(outcome=REJECT, reason="  "), CREATED)
    with pytest.raises(ReasonMissing):
        render_decision_letter(letter(outcome=PARTLY, reason=""), CREATED)


def test_full_grant_needs_no_reason_and_has_no_reason_section():
    text = flat(text_of(render_decision_letter(letter(**VARIANTS["granted"]), CREATED)))
    assert "besluttet at bevilge jer 120.000 kr. til »Lokaletilskud til klubhuset«" in text
    assert "Begrundelse" not in text and "Klagevejledning" in text


def test_rejection_premises_correction_and_informal_group_wording():
    rejected = flat(text_of(render_decision_letter(letter(**VARIANTS["rejected"]), CREATED)))
    assert "give afslag på jeres ansøgning om tilskud" in rejected and "uden for puljens formål" in rejected
    premises = flat(text_of(render_decision_letter(letter(**VARIANTS["premises_approved"]), CREATED)))
    assert "Afgørelse om lån af lokaler" in premises and "Vi har den 3. december 2026 besluttet at godkende" in premises
    assert "Ansøgt beløb" not in premises and "NemKonto" not in premises
    correction = flat(text_of(render_decision_letter(letter(**VARIANTS["correction"]), CREATED)))
    assert "Rettet afgørelse om tilskud" in correction
    assert "Vi har rettet vores afgørelse af 3. december 2026" in correction and "Beløbet var skrevet forkert." in correction
    informal = flat(text_of(render_decision_letter(letter(**VARIANTS["informal_group"]), CREATED)))
    assert "Att.: Karen Holm" in informal and "i 2 rater til kontaktpersonens NemKonto" in informal


def embedded_only(pdf: bytes) -> None:
    """Every font on every page is an embedded TrueType program, never a standard-14 font."""
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
    assert b"/Helvetica" not in pdf


def test_danish_characters_are_in_embedded_fonts():
    pdf = render_decision_letter(letter(addressee="Ærø Øl- og Åfestforening"), CREATED)
    assert "Ærø Øl- og Åfestforening" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    embedded_only(pdf)
    embedded_only(render_minutes(minutes(), CREATED))


def test_same_decision_gives_same_bytes_apart_from_the_creation_date():
    first = render_decision_letter(letter(), CREATED)
    assert render_decision_letter(letter(), CREATED) == first
    later = render_decision_letter(letter(), datetime(2027, 1, 5, 9, 0, tzinfo=timezone.utc))
    assert later != first

    def without_dates(pdf: bytes) -> bytes:
        pdf = re.sub(rb"D:\d{14}\+00'00'", b"D:", pdf)
        return re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"T", pdf)
    assert without_dates(later) == without_dates(first)
    ids = {re.search(rb"/ID\s*\[<([0-9a-f]+)>", pdf).group(1) for pdf in (first, later)}
    assert len(ids) == 1
    other = render_decision_letter(letter(amount_granted=80_000), CREATED)
    assert re.search(rb"/ID\s*\[<([0-9a-f]+)>", other).group(1) not in ids


def test_creation_date_must_be_timezone_aware():
    with pytest.raises(ValueError):
        render_decision_letter(letter(), datetime(2026, 12, 3, 14, 30))


def test_minutes_list_decisions_budget_and_inhabil_members():
    text = flat(text_of(render_minutes(minutes(), CREATED)))
    for expected in ("Beslutningsprotokol – Kultur- og Fritidsudvalget", "Beslutning: Delvist bevilget: 90.000 kr.",
                     "Nyt tag er ikke en driftsudgift.", "Bemærkning: Enstemmigt.",
                     "Inhabil og deltog ikke i behandlingen: Ahmed Hansen.", "Beslutning: Udsat", "290.000 kr.",
                     "Formand: Lise Dahl"):
        assert expected in text, expected


@pytest.mark.parametrize("variant", sorted(VARIANTS) + ["minutes"])
def test_every_variant_is_valid_pdfa_1b(variant, preflight, tmp_path):
    pdf = render_minutes(minutes(), CREATED) if variant == "minutes" else \
        render_decision_letter(letter(**VARIANTS[variant]), CREATED)
    path = tmp_path / f"{variant}.pdf"
    path.write_bytes(pdf)
    ok, output = preflight(path)
    assert ok, output


def test_letter_with_a_transparent_logo_is_valid_pdfa_1b(preflight, tmp_path):
    from PIL import Image
    from dataclasses import replace
    from tests.pdf.conftest import SENDER
    logo = io.BytesIO()
    Image.new("RGBA", (200, 80), (0, 90, 160, 128)).save(logo, format="PNG")
    pdf = render_decision_letter(letter(sender=replace(SENDER, logo=logo.getvalue())), CREATED)
    path = tmp_path / "logo.pdf"
    path.write_bytes(pdf)
    ok, output = preflight(path)
    assert ok, output

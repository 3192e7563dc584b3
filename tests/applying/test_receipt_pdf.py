"""The receipt PDF as a pure function: what it says, long answers across pages, and valid PDF/A-1b."""
from __future__ import annotations

from datetime import datetime, timezone

from app.pdf.receipt import Answer, Budget, ReceiptData, Section, render_receipt
from tests.pdf.conftest import SENDER, preflight  # noqa: F401  (the PDFBox fixture)
from tests.pdf.test_letters import flat, text_of

CREATED = datetime(2026, 11, 25, 13, 5, tzinfo=timezone.utc)


def receipt(**changes) -> ReceiptData:
    data = dict(
        sender=SENDER, case_number="2026-000042", received=datetime(2026, 11, 25, 14, 5),
        association="Boldklubben Nordstjernen", cvr="29403473", pool_name="Frivillighedspuljen 2026",
        title="Sommerlejr for børn", amount_applied=15_000, submitted_by="Karen Holm",
        sections=(Section("Om aktiviteten", (Answer("Hvad vil I lave?", "En uge i telt ved stranden."),
                                              Answer("Samarbejder I med andre?", "Ja"))),
                  Section("Bilag", ())),
        budget=Budget(expenses=(("Telte", 12_000), ("Mad", 6_000)), income=(("Egenbetaling", 3_000),),
                      total_expenses=18_000, total_income=3_000, applied=15_000),
        files=("Budget eller tilbud: tilbud.pdf",), link="https://kommune.example/forening/sager/42")
    data.update(changes)
    return ReceiptData(**data)


def test_receipt_says_what_was_received_and_when():
    text = flat(text_of(render_receipt(receipt(), CREATED)))
    for expected in ("Kvittering for modtaget ansøgning", "25. november 2026 kl. 14.05", "2026-000042",
                     "Boldklubben Nordstjernen (CVR-nr. 29403473)", "Frivillighedspuljen 2026", "15.000 kr.",
                     "Karen Holm", "En uge i telt ved stranden.", "Telte", "12.000 kr.", "Udgifter i alt 18.000 kr.",
                     "Egenbetaling", "Budget eller tilbud: tilbud.pdf", "Kvitteringen er ikke en afgørelse",
                     "https://kommune.example/forening/sager/42"):
        assert expected in text, expected
    assert "Bilag" not in text.split("Vedhæftede filer")[0]  # a step without answers gets no empty heading


def test_long_answers_and_no_budget_continue_over_pages():
    long = "Vi vil lave en lejr. " * 400
    pdf = render_receipt(receipt(sections=(Section("Om aktiviteten", (Answer("Beskriv", long),)),), budget=None,
                                 files=()), CREATED)
    text = flat(text_of(pdf))
    assert text.count("Vi vil lave en lejr.") == 400 and "Ingen filer." in text and "Side 2" in text


def test_receipt_is_valid_pdfa_1b(preflight, tmp_path):  # noqa: F811
    path = tmp_path / "kvittering.pdf"
    path.write_bytes(render_receipt(receipt(), CREATED))
    ok, output = preflight(path)
    assert ok, output

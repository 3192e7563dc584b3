"""The letter claiming money back (folkeoplysningsloven § 33): data in, PDF/A-1b bytes out.

Built on the letters framework (app/pdf/layout.py, app/pdf/pdfa.py) so it looks like the decision
letters and is archived the same way.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime

from app.pdf.content import AMOUNTS, LEAD, TEXT, Block, Letter, section
from app.pdf.data import Sender, danish_date, kroner
from app.pdf.letter import closing, lawful_part, sender_lines

DEFAULT_BASIS = ("Kommunen kan kræve ubrugte eller forkert anvendte tilskud betalt tilbage "
                 "(folkeoplysningslovens § 33).")


@dataclass(frozen=True)
class RepaymentLetter:
    """Everything the letter says (Danish: letters are archived as sent)."""

    sender: Sender
    addressee: str
    address_lines: tuple[str, ...]
    case_number: str
    case_title: str
    granted_amount: int
    amount: int
    reason: str
    due_on: date
    written_on: date
    legal_basis: str = ""
    appeal_text: str = ""  # from the same library entry as legal_basis; required (forvaltningsloven § 25)


def title_of(letter: RepaymentLetter) -> str:
    return f"Krav om tilbagebetaling af tilskud – {letter.case_title}"


def compose(letter: RepaymentLetter) -> Letter:
    """What the claim says, for the PDF and the portal's HTML version alike. A claim is a decision: it
    names its legal basis and carries the appeal guidance of the same library entry."""
    facts = (("Dato:", danish_date(letter.written_on)), ("Sagsnr.:", letter.case_number),
             ("", letter.sender.email), ("Telefon:", letter.sender.phone))
    body = (
        Block(TEXT, f"Kære {letter.addressee}"),
        Block(LEAD, f"Vi kræver {kroner(letter.amount)} af jeres tilskud betalt tilbage."),
        Block(AMOUNTS, items=(("Bevilget beløb", kroner(letter.granted_amount)),
                              ("Skal betales tilbage", kroner(letter.amount)))),
        *section("Begrundelse", letter.reason, "" if letter.legal_basis.strip() else DEFAULT_BASIS),
        *section("Sådan betaler I",
                 f"Betal {kroner(letter.amount)} senest {danish_date(letter.due_on)}. Skriv sagsnummeret "
                 f"{letter.case_number} ved betalingen. Kontakt os, hvis I mener, at kravet er forkert, eller hvis "
                 f"I har brug for en betalingsaftale."),
        *lawful_part(letter.legal_basis, letter.appeal_text, "Kravet er rejst"),
    )
    return Letter(title=title_of(letter), facts=facts, sender=sender_lines(letter.sender),
                  address=tuple(line for line in (letter.addressee, *letter.address_lines) if line), body=body,
                  closing=closing(letter.sender.department, letter.sender.email, letter.sender.phone,
                                  letter.case_number, letter.sender.signature_lines))


def fingerprint(letter: RepaymentLetter) -> bytes:
    """Bytes that identify the content (the logo by its hash), for a deterministic document ID."""
    logo = hashlib.sha256(letter.sender.logo).hexdigest() if letter.sender.logo else None
    return repr(dataclasses.replace(letter, sender=dataclasses.replace(letter.sender, logo=logo))).encode("utf-8")


def render(letter: RepaymentLetter, created: datetime) -> bytes:
    """The letter as PDF/A-1b."""
    # reportlab is imported by the first letter made, not by every process's start (app/pdf/data.py)
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    from app.pdf.layout import MARGIN, footer, story, styles
    from app.pdf.pdfa import REGULAR, DocumentInfo, canvasmaker, register_fonts

    if not letter.appeal_text.strip():
        raise ValueError("every decision carries appeal guidance, a repayment claim too")
    register_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=18 * mm,
                            bottomMargin=24 * mm, initialFontName=REGULAR, title=title_of(letter))
    info = DocumentInfo(title=title_of(letter), author=letter.sender.name,
                        subject=f"Sag {letter.case_number}: {letter.case_title}", fingerprint=fingerprint(letter))
    page = footer(letter.sender)
    doc.build(story(compose(letter), letter.sender, styles()), onFirstPage=page, onLaterPages=page, canvasmaker=canvasmaker(info, created))
    return out.getvalue()

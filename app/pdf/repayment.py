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

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from app.pdf.layout import MARGIN, Sender, amount_table, danish_date, footer, kroner, letterhead, paragraphs, styles, text
from app.pdf.letter import in_sentence
from app.pdf.pdfa import DocumentInfo, canvasmaker, register_fonts

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


def title_of(letter: RepaymentLetter) -> str:
    return f"Krav om tilbagebetaling af tilskud – {letter.case_title}"


def _story(letter: RepaymentLetter, st: dict) -> list:
    facts = [("Dato:", danish_date(letter.written_on)), ("Sagsnr.:", letter.case_number),
             ("", letter.sender.email), ("Telefon:", letter.sender.phone)]
    address = "<br/>".join(text(line) for line in (letter.addressee, *letter.address_lines) if line)
    basis = f"Kravet er rejst efter {in_sentence(letter.legal_basis)}." if letter.legal_basis.strip() else DEFAULT_BASIS
    return [
        letterhead(letter.sender, facts, st), Spacer(1, 10 * mm), Paragraph(address, st["body"]), Spacer(1, 8 * mm),
        Paragraph(text(title_of(letter)), st["title"]), Paragraph(text(f"Kære {letter.addressee}"), st["body"]),
        Paragraph(text(f"Kommunen kræver {kroner(letter.amount)} af jeres tilskud betalt tilbage."), st["lead"]),
        amount_table([("Bevilget beløb", kroner(letter.granted_amount)), ("Skal betales tilbage", kroner(letter.amount))]),
        Spacer(1, 2 * mm), Paragraph("Begrundelse", st["heading"]), *paragraphs(letter.reason, st["body"]),
        Paragraph(text(basis), st["body"]),
        KeepTogether([
            Paragraph("Sådan betaler I", st["heading"]),
            Paragraph(text(f"Betal {kroner(letter.amount)} senest {danish_date(letter.due_on)}. Skriv sagsnummeret "
                           f"{letter.case_number} ved betalingen. Kontakt os, hvis I mener, at kravet er forkert, "
                           f"eller hvis I har brug for en betalingsaftale."), st["body"]),
            Spacer(1, 3 * mm), Paragraph("Med venlig hilsen", st["body"]),
            Paragraph("<br/>".join(text(s) for s in letter.sender.signature_lines), st["body"])]),
    ]


def fingerprint(letter: RepaymentLetter) -> bytes:
    """Bytes that identify the content (the logo by its hash), for a deterministic document ID."""
    logo = hashlib.sha256(letter.sender.logo).hexdigest() if letter.sender.logo else None
    return repr(dataclasses.replace(letter, sender=dataclasses.replace(letter.sender, logo=logo))).encode("utf-8")


def render(letter: RepaymentLetter, created: datetime) -> bytes:
    """The letter as PDF/A-1b."""
    register_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=18 * mm,
                            bottomMargin=24 * mm, initialFontName="IBMPlexSans", title=title_of(letter))
    info = DocumentInfo(title=title_of(letter), author=letter.sender.name,
                        subject=f"Sag {letter.case_number}: {letter.case_title}", fingerprint=fingerprint(letter))
    page = footer(letter.sender)
    doc.build(_story(letter, styles()), onFirstPage=page, onLaterPages=page, canvasmaker=canvasmaker(info, created))
    return out.getvalue()

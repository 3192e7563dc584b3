"""The receipt for a submitted application (kvittering): data in, PDF/A-1b bytes out."""
from __future__ import annotations

import io
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from app.pdf.data import Answer, Budget, ReceiptData, Section, danish_date, kroner, moment_text
from app.pdf.layout import INK, MARGIN, RULE, footer, letterhead, para, paragraphs, styles
from app.pdf.letter import fingerprint
from app.pdf.pdfa import BOLD, REGULAR, DocumentInfo, canvasmaker, register_fonts

__all__ = ("Answer", "Budget", "ReceiptData", "Section", "moment_text", "render_receipt")

TITLE = "Kvittering for modtaget ansøgning"


def received_text(data: ReceiptData) -> str:
    """When the application was received, in words."""
    return moment_text(data.received)


def _facts_table(data: ReceiptData, st) -> Table:
    rows = [("Sagsnummer", data.case_number), ("Modtaget", received_text(data)), ("Ansøgning", data.title),
            ("Forening", data.association + (f" (CVR-nr. {data.cvr})" if data.cvr else "")),
            ("Pulje", data.pool_name), ("Ansøgt beløb", kroner(data.amount_applied)), ("Sendt af", data.submitted_by)]
    table = Table([[para(k, st["lead"]), para(v, st["body"])] for k, v in rows],
                  colWidths=[40 * mm, None], hAlign="LEFT")
    # Every table names its font: reportlab's default is an unembedded Helvetica, which PDF/A forbids.
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE), ("TOPPADDING", (0, 0), (-1, -1), 3)]))
    return table


def _answers(section: Section, st) -> list:
    # Label and answer as paragraphs, not a table: a long answer must be able to continue on the next page.
    out: list = [para(section.title, st["heading"])]
    for answer in section.answers:
        out.append(para(answer.label, st["lead"]))
        out += paragraphs(answer.text, st["body"]) or [para("–", st["body"])]
    return out


def _table(rows: list, st) -> Table:
    table = Table(rows, colWidths=[110 * mm, 40 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("FONTNAME", (1, -1), (1, -1), BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), 10.5), ("TEXTCOLOR", (0, 0), (-1, -1), INK), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE),
        ("LINEABOVE", (0, -1), (-1, -1), 1, INK), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _lines_table(caption: str, lines: tuple[tuple[str, int], ...], total: int, st) -> list:
    rows = [[para(t, st["body"]), kroner(a)] for t, a in lines] or [["–", kroner(0)]]
    rows.append([para(f"{caption} i alt", st["lead"]), kroner(total)])
    return [para(caption, st["lead"]), _table(rows, st), Spacer(1, 4 * mm)]


def _budget(budget: Budget | None, st) -> list:
    if budget is None:
        return []
    return [para("Budget", st["heading"]),
            *_lines_table("Udgifter", budget.expenses, budget.total_expenses, st),
            *_lines_table("Indtægter og anden støtte", budget.income, budget.total_income, st),
            _table([[para("Ansøgt beløb (udgifter minus indtægter)", st["lead"]), kroner(budget.applied)]], st)]


def _files(data: ReceiptData, st) -> list:
    out = [para("Vedhæftede filer", st["heading"])]
    if not data.files:
        return out + [para("Ingen filer.", st["body"])]
    return out + [para(f"• {name}", st["body"]) for name in data.files]


def _closing(data: ReceiptData, st) -> list:
    return [KeepTogether([
        para("Hvad sker der nu?", st["heading"]),
        para("Kvitteringen er ikke en afgørelse. Vi behandler ansøgningen og skriver til jer, når der er "
             "nyt, fx hvis vi mangler oplysninger. I kan følge sagen her:", st["body"]),
        para(data.link, st["body"]),
        para(f"Skriv sagsnummeret {data.case_number}, når I kontakter os på {data.sender.email} eller "
             f"telefon {data.sender.phone}.", st["body"])])]


def _story(data: ReceiptData, st) -> list:
    facts = [("Dato:", danish_date(data.received.date())), ("Sagsnr.:", data.case_number),
             ("", data.sender.email), ("Telefon:", data.sender.phone)]
    story = [letterhead(data.sender, facts, st), Spacer(1, 10 * mm), para(TITLE, st["title"]),
             para(f"Vi har modtaget jeres ansøgning {received_text(data)}. Sagsnummeret er "
                  f"{data.case_number}.", st["lead"]),
             _facts_table(data, st), Spacer(1, 4 * mm)]
    for section in data.sections:
        if section.answers:
            story += _answers(section, st)
    return story + _budget(data.budget, st) + _files(data, st) + _closing(data, st)


def render_receipt(data: ReceiptData, created: datetime) -> bytes:
    """The receipt as PDF/A-1b; the same data gives the same bytes apart from `created`."""
    register_fonts()
    st = styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=18 * mm,
                            bottomMargin=24 * mm, initialFontName=REGULAR, title=TITLE)
    info = DocumentInfo(title=TITLE, author=data.sender.name, subject=f"Sag {data.case_number}: {data.title}",
                        fingerprint=fingerprint(data))
    page = footer(data.sender)
    doc.build(_story(data, st), onFirstPage=page, onLaterPages=page, canvasmaker=canvasmaker(info, created))
    return out.getvalue()

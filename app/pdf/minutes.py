"""The minutes of a committee meeting (beslutningsprotokol): data in, PDF/A-1b bytes out."""
from __future__ import annotations

import io
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from app.pdf.data import MinutesData, MinutesItem, PoolLine, danish_date, kroner
from app.pdf.layout import INK, MARGIN, RULE, footer, letterhead, para, paragraphs, rich, styles
from app.pdf.letter import fingerprint
from app.pdf.pdfa import BOLD, REGULAR, DocumentInfo, canvasmaker, register_fonts

__all__ = ("MinutesData", "MinutesItem", "PoolLine", "render_minutes")


def _decision_line(item: MinutesItem) -> str:
    word = item.decision or "Udsat"
    if item.amount_granted is not None:
        return f"{word}: {kroner(item.amount_granted)}"
    return word


def _item(item: MinutesItem, st) -> list:
    facts = rich("Sag {case} · {association} · {pool}<br/>Ansøgt {applied} · Indstillet {recommended}", st["small"],
                 case=item.case_number, association=item.association, pool=item.pool_name,
                 applied=kroner(item.amount_applied), recommended=kroner(item.recommended_amount))
    block = [para(f"{item.number}. {item.title}", st["heading"]), facts,
             Spacer(1, 2 * mm), para(f"Beslutning: {_decision_line(item)}", st["lead"])]
    if item.reason.strip():
        block += [para("Begrundelse:", st["body"]), *paragraphs(item.reason, st["body"])]
    if item.comment.strip():
        block += [para(f"Bemærkning: {item.comment.strip()}", st["body"])]
    if item.inhabil:
        block += [para(f"Inhabil og deltog ikke i behandlingen: {', '.join(item.inhabil)}.", st["body"])]
    return [KeepTogether(block)]


def _pools(data: MinutesData) -> Table:
    rows = [("Pulje", "Budget", "Bevilget før", "Bevilget på mødet", "Tilbage")]
    rows += [(p.name, kroner(p.budget), kroner(p.granted_before), kroner(p.granted_now), kroner(p.left))
             for p in data.pools]
    table = Table(rows, colWidths=[52 * mm, 27 * mm, 27 * mm, 33 * mm, 27 * mm], hAlign="LEFT", repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("FONTNAME", (0, 0), (-1, 0), BOLD), ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK), ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE), ("LEFTPADDING", (0, 0), (-1, -1), 2)]))
    return table


def _story(data: MinutesData, st) -> list:
    facts = [("Møde:", danish_date(data.meeting_date)), ("Sted:", data.location or "–"),
             ("Afsluttet:", danish_date(data.closed_on))]
    story = [letterhead(data.sender, facts, st), Spacer(1, 10 * mm),
             para(f"Beslutningsprotokol – {data.committee}", st["title"]),
             para(f"{data.title}, {danish_date(data.meeting_date)}.", st["body"]),
             para(f"Formand: {data.chair}. Medlemmer: {', '.join(data.members) or '–'}.", st["body"]),
             para("Budget", st["heading"]), _pools(data), Spacer(1, 4 * mm),
             para("Beslutninger", st["heading"])]
    for item in data.items:
        story += _item(item, st)
    story += [Spacer(1, 6 * mm), para(
        f"Protokollen er godkendt af formanden, {data.chair}, da mødet blev afsluttet den "
        f"{danish_date(data.closed_on)}.", st["body"])]
    return story


def render_minutes(data: MinutesData, created: datetime) -> bytes:
    """The minutes as PDF/A-1b; the same meeting gives the same bytes apart from `created`."""
    register_fonts()
    st = styles()
    out = io.BytesIO()
    title = f"Beslutningsprotokol – {data.committee}"
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=18 * mm,
                            bottomMargin=24 * mm, initialFontName=REGULAR, title=title)
    info = DocumentInfo(title=title, author=data.sender.name, subject=f"{data.title}, {data.meeting_date.isoformat()}",
                        fingerprint=fingerprint(data))
    page = footer(data.sender)
    doc.build(_story(data, st), onFirstPage=page, onLaterPages=page, canvasmaker=canvasmaker(info, created))
    return out.getvalue()

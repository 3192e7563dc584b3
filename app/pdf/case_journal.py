"""The case journal as a PDF/A-1b print (for partsaktindsigt): data in, bytes out.

Every text that came from a person (titles, comments, file names) reaches reportlab through
`layout.para`/`layout.rich`, which escape it, so markup in a case title is printed as written.
"""
from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from types import MappingProxyType

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import SimpleDocTemplate, Spacer

from app.pdf.data import CaseJournal, JournalLine
from app.pdf.layout import MARGIN, footer, letterhead, para, paragraphs, rich, styles
from app.pdf.letter import fingerprint
from app.pdf.pdfa import REGULAR, DocumentInfo, canvasmaker, register_fonts

__all__ = ("CaseJournal", "JournalLine", "render_case_journal")


@lru_cache(maxsize=1)
def _styles() -> Mapping[str, ParagraphStyle]:
    """The letters' styles and the journal's own two, made once per process."""
    st = styles()
    return MappingProxyType({**st, "entry": ParagraphStyle("entry", parent=st["body"], spaceBefore=6, spaceAfter=2,
                                                           borderPadding=0),
                             "comment": ParagraphStyle("comment", parent=st["small"], leftIndent=6 * mm, spaceAfter=3)})


def render_case_journal(data: CaseJournal, created: datetime) -> bytes:
    """The journal as PDF/A-1b bytes."""
    register_fonts()
    st = _styles()
    out = io.BytesIO()
    title = f"Journal for sag {data.case_number}"
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=18 * mm,
                            bottomMargin=24 * mm, initialFontName=REGULAR, title=title)
    info = DocumentInfo(title=title, author=data.sender.name, subject=data.title, fingerprint=fingerprint(data))
    page = footer(data.sender)
    doc.build(_story(data, st), onFirstPage=page, onLaterPages=page, canvasmaker=canvasmaker(info, created))
    return out.getvalue()


def _story(data: CaseJournal, st: Mapping) -> list:
    facts = [("Sag:", data.case_number), ("Udskrevet:", data.printed_at)]
    story: list = [letterhead(data.sender, facts, st), Spacer(1, 8 * mm),
                   para(f"Journal for sag {data.case_number}", st["title"]),
                   para(data.title, st["lead"]),
                   rich("Forening: {association}<br/>Pulje: {pool}<br/>Status: {state}", st["body"],
                        association=data.association, pool=data.pool, state=data.state),
                   para(data.scope, st["small"]), Spacer(1, 4 * mm)]
    if not data.lines:
        return story + [para("Journalen er tom.", st["body"])]
    return story + _entries(data.lines, st)


def _entries(lines: tuple[JournalLine, ...], st: Mapping) -> list:
    """One block per entry (not a table: a long comment must be able to run over a page break)."""
    story: list = []
    for line in lines:
        head = "<b>{at}</b> · {what}" + (" ({who})" if line.who else "") + (" <b>[Intern]</b>" if line.internal else "")
        story.append(rich(head, st["entry"], at=line.at, what=line.what, who=line.who))
        story += paragraphs(line.comment, st["comment"]) if line.comment else []
    return story

"""Shared letter layout: styles, Danish dates and amounts, the letterhead block and the page footer."""
from __future__ import annotations

import copy
import io
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from xml.sax.saxutils import escape  # nosec B406 # escapes text for reportlab; parses no XML

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (BaseDocTemplate, Frame, Image, KeepTogether, PageTemplate, Paragraph,
                                SimpleDocTemplate, Spacer, Table, TableStyle)
from reportlab.platypus.paragraph import _wsc as WHITESPACE  # the white space reportlab collapses
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaFrag, ParaParser

from app.pdf.content import AMOUNTS, HEADING, LEAD, LINES, Letter
from app.pdf.data import Sender
from app.pdf.pdfa import BOLD, REGULAR

INK = colors.Color(0.1, 0.1, 0.1)
RULE = colors.Color(0.6, 0.6, 0.6)
MARGIN = 22 * mm


_SCALARS = (str, int, float, bool, type(None))


class _Frame(Frame):
    """A Frame that copies its scalars as they are: KeepTogether deep-copies the document's frame every time it
    measures, going through copy.deepcopy attribute by attribute (a twentieth of a letter's time)."""

    def __deepcopy__(self, memo):
        twin = memo[id(self)] = self.__class__.__new__(self.__class__)
        twin.__dict__.update({name: value if isinstance(value, _SCALARS) else copy.deepcopy(value, memo)
                              for name, value in vars(self).items()})
        return twin


class LetterTemplate(SimpleDocTemplate):
    """SimpleDocTemplate (first page, later pages, same frame), its frame a `_Frame`."""

    def build(self, flowables, onFirstPage, onLaterPages, canvasmaker):  # noqa: N803 # reportlab's names
        self._calc()
        frame = _Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="normal")
        self.addPageTemplates([PageTemplate(id="First", frames=frame, onPage=onFirstPage, pagesize=self.pagesize),
                               PageTemplate(id="Later", frames=frame, onPage=onLaterPages, pagesize=self.pagesize)])
        BaseDocTemplate.build(self, flowables, canvasmaker=canvasmaker)


@lru_cache(maxsize=1)
def styles() -> Mapping[str, ParagraphStyle]:
    """The paragraph styles of every letter, made once per process and shared: never change one."""
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10.5, leading=14.5, textColor=INK, spaceAfter=7)
    return MappingProxyType({
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, spaceAfter=0),
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=16, leading=20, spaceAfter=10),
        "heading": ParagraphStyle("heading", parent=body, fontName=BOLD, fontSize=11.5, leading=15,
                                  spaceBefore=8, spaceAfter=4),
        "lead": ParagraphStyle("lead", parent=body, fontName=BOLD),
        "sender": ParagraphStyle("sender", parent=body, fontName=BOLD, fontSize=13, leading=16, spaceAfter=2),
    })


# The one place where text meets reportlab's Paragraph markup. A Paragraph reads its text as XML with
# tags such as <img src=...> (which opens a local file) and <a href=...>: every text that reaches a PDF
# goes through `text`, and the renderers build Paragraphs only with `para`, `rich` and `lines` below
# (tests/security/test_escaping.py holds that no other module calls Paragraph).

class _Paragraph(Paragraph):
    """A Paragraph that breaks its lines once per width: KeepTogether measures its content, then the frame lays
    the same paragraphs out again at the same width (a third of a letter's line breaking was done twice)."""

    _wrapped: tuple | None = None  # (available width, style, width, height) of the last wrap

    def wrap(self, availWidth, availHeight):
        last = self._wrapped
        # split() drops blPara when the paragraph moves whole to the next page: then break the lines again.
        if last is not None and last[0] == availWidth and last[1] is self.style and hasattr(self, "blPara"):
            return last[2], last[3]
        width, height = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, self.style, width, height)
        return width, height


BREAK = "<br/>"


@lru_cache(maxsize=64)
def _plain_fragments(style: ParagraphStyle) -> tuple[ParaFrag, ParaFrag]:
    """What reportlab's parser makes of plain text in `style`, and of a line break: the patterns for every plain
    paragraph and every paragraph of plain lines."""
    parsed_style, frags, _ = ParaParser().parse(f"x{BREAK}x", style)
    if parsed_style is not style or len(frags) != 3 or not getattr(frags[1], "lineBreak", False):
        raise ValueError(f"style {style.name} does not parse plain lines to text and break fragments")
    return frags[0], frags[1]


def _plain_frags(plain: str, style: ParagraphStyle) -> list[ParaFrag] | None:
    """The fragments of `plain` (cleaned markup whose only tag is <br/>), or None to leave it to the parser."""
    word, line_break = _plain_fragments(style)
    if "<" not in plain:
        return [word.clone(text=plain)]
    frags = []
    for n, piece in enumerate(plain.split(BREAK)):
        if "<" in piece:
            return None
        if n:
            frags.append(line_break.clone())
        if piece:
            frags.append(word.clone(text=piece))
    return frags


_COLLAPSED = frozenset(WHITESPACE) - {" "}


def _cleaned(markup: str) -> str:
    """reportlab's cleanBlockQuotedText, which leaves text alone when its words are one space apart."""
    if markup[:1] != " " and markup[-1:] != " " and "  " not in markup and _COLLAPSED.isdisjoint(markup):
        return markup
    return cleanBlockQuotedText(markup)


def _paragraph(markup: str, style: ParagraphStyle) -> _Paragraph:
    """A Paragraph of `markup`; plain text and plain lines (no tag but <br/>, no entity: most of a letter) skip
    reportlab's XML parser, which would only return their fragments (a sixth of a letter's render time)."""
    plain = _cleaned(markup)
    if "&" in markup or not plain or getattr(style, "textTransform", None):
        return _Paragraph(markup, style)
    frags = _plain_frags(plain, style)
    if not frags:
        return _Paragraph(markup, style)
    return _Paragraph(plain, style, frags=frags)


def text(value: object) -> str:
    """Plain text made safe for a Paragraph, line breaks kept."""
    return escape("" if value is None else str(value), {'"': "&quot;"}).replace("\n", "<br/>")


def para(value: object, style: ParagraphStyle) -> Paragraph:
    """A Paragraph printing `value` exactly as written."""
    return _paragraph(text(value), style)


def rich(template: str, style: ParagraphStyle, **values: object) -> Paragraph:
    """A Paragraph from our own markup `template` (a literal), every {name} filled with escaped text."""
    return _paragraph(template.format(**{name: text(value) for name, value in values.items()}), style)


def lines(values, style: ParagraphStyle) -> Paragraph:
    """One Paragraph with each value on a line of its own."""
    return _paragraph("<br/>".join(text(value) for value in values), style)


def paragraphs(value: str, style: ParagraphStyle) -> list[Paragraph]:
    """One Paragraph per block of text separated by a blank line."""
    blocks = [b.strip() for b in value.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return [para(block, style) for block in blocks]


def flat_logo(data: bytes, max_height: float = 16 * mm) -> Image | None:
    """The logo on a white background (PDF/A-1 allows no transparency), scaled to fit."""
    from PIL import Image as PILImage
    try:
        with PILImage.open(io.BytesIO(data)) as img:
            img = img.convert("RGBA")
            flat = PILImage.new("RGB", img.size, (255, 255, 255))
            flat.paste(img, mask=img.split()[3])
    except (OSError, ValueError):
        return None  # an unreadable logo must not stop a decision letter
    out = io.BytesIO()
    flat.save(out, format="PNG")
    out.seek(0)
    width, height = flat.size
    scale = min(max_height / height, 60 * mm / width)
    return Image(out, width=width * scale, height=height * scale)


def letterhead(sender: Sender, facts: list[tuple[str, str]], st: Mapping) -> Table:
    """Sender (logo, name, department, address) on the left, date and case facts on the right."""
    left: list = []
    logo = flat_logo(sender.logo) if sender.logo else None
    if logo is not None:
        logo.hAlign = "LEFT"
        left += [logo, Spacer(1, 3 * mm)]
    left += [para(sender.name, st["sender"]), para(sender.department, st["small"]),
             para(sender.address, st["small"])]
    right = [para(f"{label} {value}" if label else value, st["small"]) for label, value in facts]
    table = Table([[left, right]], colWidths=[100 * mm, None])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def amount_table(rows: list[tuple[str, str]]) -> Table:
    """A two-column table of amounts, right-aligned, last row in bold."""
    table = Table(rows, colWidths=[70 * mm, 40 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("FONTNAME", (0, -1), (-1, -1), BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), 10.5), ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE),
        ("LINEABOVE", (0, -1), (-1, -1), 1, INK), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4), ("TOPPADDING", (0, 0), (-1, -1), 4)]))
    return table


def footer(sender: Sender):
    """An onPage callback: the sender's contact line and the page number."""
    line = " · ".join(p for p in (sender.name, sender.department, sender.address, sender.email, sender.phone) if p)

    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(INK)
        canvas.setStrokeColor(RULE)
        canvas.line(MARGIN, 15 * mm, A4[0] - MARGIN, 15 * mm)
        canvas.drawString(MARGIN, 11 * mm, line)
        canvas.drawRightString(A4[0] - MARGIN, 11 * mm, f"Side {doc.page}")
        canvas.restoreState()
    return draw


def story(letter: Letter, sender: Sender, st: Mapping) -> list:
    """A `Letter` (app/pdf/content.py) as flowables: letterhead, addressee, title, body and closing.

    A heading is kept with its first paragraph; the closing stays together (a greeting alone on a page looks
    like a mistake)."""
    def flowable(block):
        if block.kind == HEADING:
            return para(block.text, st["heading"])
        if block.kind == LEAD:
            return para(block.text, st["lead"])
        if block.kind == AMOUNTS:
            return amount_table(list(block.items))
        if block.kind == LINES:
            return lines(block.items, st["body"])
        return para(block.text, st["body"])

    out: list = [letterhead(sender, list(letter.facts), st), Spacer(1, 10 * mm)]
    if letter.address:
        out += [lines(letter.address, st["body"]), Spacer(1, 8 * mm)]
    out.append(para(letter.title, st["title"]))
    body = list(letter.body)
    i = 0
    while i < len(body):
        block = body[i]
        if block.kind == HEADING and i + 1 < len(body):
            out.append(KeepTogether([flowable(block), flowable(body[i + 1])]))
            i += 2
            continue
        out.append(flowable(block))
        if block.kind == AMOUNTS:
            out.append(Spacer(1, 2 * mm))
        i += 1
    if letter.closing:
        out.append(KeepTogether([flowable(b) for b in letter.closing]))
    return out

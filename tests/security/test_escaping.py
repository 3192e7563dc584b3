"""Text a user typed is escaped wherever it comes back, also inside a translated message and in every PDF."""
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from flask import render_template_string
from flask_babel import lazy_gettext as _l


def test_a_lazy_message_with_typed_text_is_escaped(app):
    with app.test_request_context():
        message = _l("Disse datoer kan ikke læses: %(dates)s. Skriv dem som dd-mm-åååå.", dates="<script>x</script>")
        html = render_template_string("<p>{{ m }}</p>", m=message)
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_a_lazy_label_renders_once_escaped(app):
    from wtforms import Form, StringField
    with app.test_request_context():
        class F(Form):
            name = StringField(_l("Navn & adresse"))
        html = render_template_string("{{ f.name.label }}", f=F())
    assert "Navn &amp; adresse" in html and "&amp;amp;" not in html


HOSTILE = '<script>alert(1)</script> & <b>fed</b> <para>'


def _pdf_text(pdf: bytes) -> str:
    import io
    import re
    from pypdf import PdfReader
    return re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def test_markup_typed_by_an_association_is_printed_as_written_in_letters_and_minutes():
    from dataclasses import replace
    from datetime import datetime, timezone
    from app.pdf.letter import render_decision_letter
    from app.pdf.minutes import render_minutes
    from tests.pdf.conftest import letter, minutes
    created = datetime(2026, 12, 3, 14, 30, tzinfo=timezone.utc)
    text = _pdf_text(render_decision_letter(letter(addressee=HOSTILE, case_title=HOSTILE, reason=HOSTILE), created))
    assert text.count("<script>alert(1)</script> & <b>fed</b>") >= 3
    data = minutes()
    data = replace(data, items=tuple(replace(i, title=HOSTILE) for i in data.items))
    assert "<script>alert(1)</script> & <b>fed</b>" in _pdf_text(render_minutes(data, created))


# Names and texts an association or a caseworker can type, aimed at reportlab's Paragraph markup: an <img>
# that would open a local file, tags reportlab refuses (the job would fail), and unbalanced ones.
MARKER = "fs-escaping-marker"
HOSTILE_PDF = (f'<img src="/tmp/{MARKER}.png"/> <script>x</script> <b>fed <a href="file:///etc/passwd">'
               f'link</a> <para> & &amp; {{0}}')
PRINTED = ('<script>x</script> <b>fed <a href="file:///etc/passwd">link</a> <para> & &amp; {0}')
_opened: list[str] = []
CREATED = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)


def _record_opens(event: str, args: tuple) -> None:
    if event == "open" and args and MARKER in str(args[0]):
        _opened.append(str(args[0]))


sys.addaudithook(_record_opens)  # an audit hook sees every open(), also reportlab's own


def _renderers():
    from dataclasses import replace
    from datetime import date
    from app.pdf.case_journal import CaseJournal, JournalLine, render_case_journal
    from app.pdf.layout import Sender
    from app.pdf.letter import render_decision_letter
    from app.pdf.minutes import MinutesItem, PoolLine, render_minutes
    from app.pdf.receipt import Answer, Budget, Section, render_receipt
    from app.pdf.repayment import RepaymentLetter, render
    from tests.applying.test_receipt_pdf import receipt
    from tests.pdf.conftest import SENDER, letter, minutes
    h = HOSTILE_PDF
    sender = Sender(name=h, department=h, address=h, email=h, phone=h, signature_lines=(h,))
    item = MinutesItem(1, h, h, h, h, 1000, 1000, h, 1000, h, h, (h,))
    yield "letter", lambda: render_decision_letter(letter(
        sender=sender, addressee=h, address_lines=(h,), contact_person=h, case_number=h, case_title=h, pool_name=h,
        reason=h, appeal_text=h, legal_basis=h, committee=h, caseworker_name=h, caseworker_email=h,
        caseworker_phone=h), CREATED)
    yield "minutes", lambda: render_minutes(replace(
        minutes(), sender=sender, committee=h, title=h, location=h, chair=h, members=(h,), items=(item,),
        pools=(PoolLine(h, 10_000, 0, 1000),)), CREATED)
    yield "receipt", lambda: render_receipt(receipt(
        sender=sender, case_number=h, association=h, cvr=h, pool_name=h, title=h, submitted_by=h,
        sections=(Section(h, (Answer(h, h),)),), budget=Budget(((h, 1),), ((h, 1),), 1, 1, 0), files=(h,), link=h),
        CREATED)
    yield "repayment", lambda: render(RepaymentLetter(
        sender=sender, addressee=h, address_lines=(h,), case_number=h, case_title=h, granted_amount=2000,
        amount=1000, reason=h, due_on=date(2027, 1, 1), written_on=date(2026, 12, 3), legal_basis=h,
        appeal_text=h),
        CREATED)
    yield "case_journal", lambda: render_case_journal(CaseJournal(
        sender=SENDER, case_number=h, title=h, association=h, pool=h, state=h, printed_at=h, scope=h,
        lines=(JournalLine(at=h, what=h, who=h, comment=h, internal=True),)), CREATED)


@pytest.mark.parametrize("name", ["letter", "minutes", "receipt", "repayment", "case_journal"])
def test_every_pdf_prints_hostile_markup_as_written_and_opens_no_file(name):
    render = dict(_renderers())[name]
    _opened.clear()
    pdf = render()
    printed = _pdf_text(pdf)
    assert PRINTED in printed, printed[:600]
    assert f'<img src="/tmp/{MARKER}.png"/>' in printed
    assert _opened == []


def test_only_the_layout_module_builds_reportlab_paragraphs():
    """Every Paragraph goes through app/pdf/layout.py's escaping helpers; a renderer calling Paragraph itself
    could hand it unescaped text."""
    root = Path(__file__).resolve().parents[2] / "app"
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "layout.py" and re.search(r"\bParagraph\b(?!Style)", path.read_text("utf-8"))]
    assert offenders == []

"""Text a user typed is escaped wherever it comes back, also inside a translated message."""
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

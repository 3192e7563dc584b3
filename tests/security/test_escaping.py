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

"""The form field drawn in Python is byte for byte what the Jinja macro drew (the macro kept here as the reference)."""
import pytest
from flask import render_template_string
from flask_babel import lazy_gettext
from wtforms import Form, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

# _forms.html's `field` macro before it moved to app/main/form_fields.py.
REFERENCE = '''{% macro field(f, hint=None, width="input-width-l", autocomplete=None, type=None, requirement=None) %}
{% set described = [] %}
{% if hint %}{% do described.append(f.id ~ '-hint') %}{% endif %}
{% if f.errors %}{% do described.append(f.id ~ '-error') %}{% endif %}
<div class="form-group{% if f.errors %} form-error{% endif %}">
  <label class="form-label" for="{{ f.id }}">{{ f.label.text }}{% if requirement %} <span class="weight-normal">({{ requirement }})</span>{% elif not f.flags.required and f.type != "SelectField" %} <span class="weight-normal">({{ _("valgfri") }})</span>{% endif %}</label>
  {% if hint %}<span class="form-hint" id="{{ f.id }}-hint">{{ hint }}</span>{% endif %}
  {% for error in f.errors %}
  <span class="form-error-message" id="{{ f.id }}-error"><span class="sr-only">{{ _("Fejl:") }}</span> {{ error }}</span>
  {% endfor %}
  {% set attrs = {'class': ('form-select' if f.type == 'SelectField' else ('form-input' + (' ' + width if width else ''))),
                   'aria-describedby': described|join(' ') or false,
                   'aria-invalid': 'true' if f.errors else false,
                   'autocomplete': autocomplete or false} %}
  {% if f.type == 'TextAreaField' %}{% do attrs.update({'rows': 5}) %}{% endif %}
  {{ f(**attrs) }}
</div>
{% endmacro %}'''

CALLS = ['field(f.name)', 'field(f.name, hint="Et <hint> & mere", width="", autocomplete="name")',
         'field(f.kind)', 'field(f.text, requirement="kun <nogle> gange")', 'field(f.count, width="input-width-s", hint="h")',
         'field(f.two_errors, hint="h")', 'field(f.tricky)', 'field(f.required_kind)', 'field(f.grouped)',
         'field(f.with_kw)']


def _two_errors(form, field):
    field.errors.append("Første <fejl>")
    raise ValidationError("Anden fejl")


class _Form(Form):
    name = StringField("Navn <b>", validators=[DataRequired()])
    kind = SelectField("Slags", choices=[SelectChoice("1", "En"), SelectChoice("2", "To & tre")])
    text = TextAreaField("Tekst")
    count = IntegerField("Antal")
    two_errors = StringField("To fejl", validators=[_two_errors])
    # Options drawn in Python (form_fields._select): escaping, an empty label, a lazy label, several selected.
    tricky = SelectField("Svær", choices=[SelectChoice("", "Alle <puljer>"), SelectChoice('a"b&c', ""),
                                          SelectChoice("2", lazy_gettext("Åbne sager")), SelectChoice("2", "igen")])
    required_kind = SelectField("Krævet", choices=[SelectChoice("1", "En")], validators=[DataRequired()])
    # Left to WTForms' widget: option groups and options with attributes.
    grouped = SelectField("Grupper", choices=[SelectChoice("1", "En", optgroup="A & B"), SelectChoice("2", "To", optgroup="C")])
    with_kw = SelectField("Med attributter", choices=[SelectChoice("1", "En", render_kw={"disabled": True})])


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("data", [{"name": 'x"y', "kind": "2", "text": "<p>", "tricky": "2", "required_kind": "1"},
                                  {"kind": "9", "count": "mange", "tricky": 'a"b&c', "grouped": "2"}])
def test_field_html_is_the_macros(app, call, data):
    with app.test_request_context("/"):
        form = _Form(data=data)
        form.validate()
        new = render_template_string('{% from "_forms.html" import field %}{{ ' + call + ' }}', f=form)
        old = render_template_string(REFERENCE + '{{ ' + call + ' }}', f=form)
    assert new == old and "form-group" in new

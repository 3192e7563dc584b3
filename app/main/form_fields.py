"""The DKFDS form field (label, hint, errors, input) in Python: the `field` macro of _forms.html calls it.

A page like the queue shows fourteen fields; as nested Jinja (lists, a dict, filters per field) they cost
more than the list of cases. The HTML is byte for byte what the macro wrote (tests/test_form_fields.py).
"""
from __future__ import annotations

from flask_babel import gettext
from markupsafe import Markup, escape
from wtforms.widgets import Select, html_params


def form_field(f, hint=None, width="input-width-l", autocomplete=None, requirement=None) -> Markup:
    """Label, optional hint, each error and the input of one WTForms field, DKFDS classes and ARIA."""
    described = ([f"{f.id}-hint"] if hint else []) + ([f"{f.id}-error"] if f.errors else [])
    if f.type == "SelectField":
        css = "form-select"
    else:
        css = "form-input" + (" " + width if width else "")
    attrs = {"class": css, "aria-describedby": " ".join(described) or False,
             "aria-invalid": "true" if f.errors else False, "autocomplete": autocomplete or False}
    if f.type == "TextAreaField":
        attrs["rows"] = 5
    out = ["\n\n\n\n", '<div class="form-group', " form-error" if f.errors else "", '">\n',
           '  <label class="form-label" for="', escape(f.id), '">', escape(f.label.text), _requirement(f, requirement),
           "</label>\n  "]
    if hint:
        out += ['<span class="form-hint" id="', escape(f.id), '-hint">', escape(hint), "</span>"]
    out.append("\n  ")
    for error in f.errors:
        out += ['\n  <span class="form-error-message" id="', escape(f.id), '-error"><span class="sr-only">',
                escape(gettext("Fejl:")), "</span> ", escape(error), "</span>\n  "]
    choices = _plain_choices(f)
    out += ["\n  \n  \n  ", f(**attrs) if choices is None else _select(f, choices, attrs), "\n</div>\n"]
    return Markup("".join(str(part) for part in out))  # nosec B704 # texts escape()d above


def _plain_choices(f) -> list | None:
    """The choices of a select WTForms' own Select widget would draw option by option (no groups, no option
    attributes); None for any other field."""
    if type(f.widget) is not Select or f.widget.multiple or f.has_groups():
        return None
    choices = f.iter_choices()
    return None if any(c.render_kw for c in choices) else choices


def _select(f, choices: list, attrs: dict) -> str:
    """WTForms' <select> markup without its per-option html_params and Markup.format (the queue has ~95 options)."""
    params = {"id": f.id, **attrs}
    params.update({k: getattr(f.flags, k) for k in Select.validation_attrs if k not in params and k in dir(f.flags)})
    options = [f'<option {"selected " if c.selected else ""}value="{escape(c.value)}">'
               f'{escape(c.label or c.value)}</option>' for c in choices]
    return f'<select {html_params(name=f.name, **params)}>{"".join(options)}</select>'


def _requirement(f, requirement) -> str:
    if requirement:
        return f' <span class="weight-normal">({escape(requirement)})</span>'
    if not f.flags.required and f.type != "SelectField":
        return f' <span class="weight-normal">({escape(gettext("valgfri"))})</span>'
    return ""

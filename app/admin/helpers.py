"""Small helpers shared by the administration views: domain errors on forms, labels for the form builder."""
from __future__ import annotations

from flask import flash
from flask_babel import gettext as _

from app.models import FormField, FormVersion
from app.services.journals.audit import SetupError


def show_error(form, exc: SetupError) -> None:
    """Put a refused change's message next to the field it concerns, or at the top of the page."""
    target = form._fields.get(exc.field) if form is not None and exc.field else None
    if target is None:
        flash(str(exc.message), "error")
        return
    target.errors = [*(e for e in target.errors if not isinstance(e, (list, dict))), str(exc.message)]


def flash_sanitized(sanitized: bool) -> None:
    """Tell the administrator when unsafe HTML was removed from a rich text."""
    if sanitized:
        flash(_("Regler og vejledning indeholdt HTML, som ikke er tilladt (fx scripts, skjulte felter eller "
                "onclick). Det er fjernet, og resten er gemt. Tilladt er afsnit, fed, kursiv, lister, "
                "overskrifter og links."), "warning")


def direction(value: str | None) -> int:
    """'op' -> -1, anything else -> +1 (the move buttons)."""
    return -1 if value == "op" else 1


CHOICE_TYPES = ("RadioField", "SelectMultipleField")


def error_items(form) -> list[tuple[str, str, str]]:
    """(anchor id, label, message) for every error on the form, nested lists included (for the summary)."""
    out: list[tuple[str, str, str]] = []
    for f in form:
        _collect(f, out)
    return out


def _collect(f, out: list) -> None:
    if f.type in ("FieldList", "FormField"):
        for entry in f:
            _collect(entry, out)
        errors = f.errors if isinstance(f.errors, list) else []
        out += [(f"{f.id}-0", str(f.label.text), str(e)) for e in errors if not isinstance(e, (list, dict))]
        return
    anchor = f"{f.id}-0" if f.type in CHOICE_TYPES else f.id
    out += [(anchor, str(f.label.text), str(e)) for e in f.errors]


def kind_label(kind: str) -> str:
    """A field type in words."""
    from app.forms_runtime.view import KIND_LABELS
    return str(KIND_LABELS.get(kind, kind))


def condition_label(version: FormVersion, field: FormField) -> str:
    """'Kun når »Har I samarbejdspartnere?« = »Ja«' for the builder's table."""
    from app.forms_runtime.spec import field_spec
    from app.forms_runtime.view import value_label
    controller = next((f for f in version.fields if f.key == field.condition_key), None)
    if controller is None:
        return _("Aldrig (feltet, det afhænger af, findes ikke)")
    return _("Kun når »%(label)s« = »%(value)s«", label=controller.label,
             value=value_label(field_spec(controller), field.condition_value))

"""Small helpers shared by the administration views: look-ups that 404 and domain errors on forms."""
from __future__ import annotations

from flask import abort, flash
from flask_babel import gettext as _

from app.extensions import db
from app.models import Committee, FormField, FormStep, FormVersion, Pool, PoolCriterion
from app.services.admin_audit import SetupError


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


def get_pool_or_404(pool_id: int) -> Pool:
    """Any pool (administrators see them all)."""
    pool = db.session.get(Pool, pool_id)
    if pool is None:
        abort(404)
    return pool


def get_criterion_or_404(pool: Pool, criterion_id: int) -> PoolCriterion:
    """A criterion of this pool."""
    criterion = db.session.get(PoolCriterion, criterion_id)
    if criterion is None or criterion.pool_id != pool.id:
        abort(404)
    return criterion


def get_step_or_404(pool: Pool, step_id: int) -> FormStep:
    """A step of one of this pool's form versions."""
    step = db.session.scalar(db.select(FormStep).join(FormVersion).where(
        FormStep.id == step_id, FormVersion.pool_id == pool.id))
    if step is None:
        abort(404)
    return step


def get_field_or_404(pool: Pool, field_id: int) -> FormField:
    """A field of one of this pool's form versions."""
    found = db.session.scalar(db.select(FormField).join(FormVersion).where(
        FormField.id == field_id, FormVersion.pool_id == pool.id))
    if found is None:
        abort(404)
    return found


def get_committee_or_404(committee_id: int) -> Committee:
    """Any committee."""
    committee = db.session.get(Committee, committee_id)
    if committee is None:
        abort(404)
    return committee


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

"""The form builder's edits: steps and fields of a pool's draft form, checked and journalised."""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field as dc_field

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from app.extensions import db
from app.models import FormField, FormStep, FormVersion, User
from app.models.form import CHOICE_KINDS, FIELD_KINDS
from app.services.journals import audit as admin_audit
from app.services.journals.audit import SetupError
from app.services.pools.forms import check_conditions, draft_for_edit, field_snapshot, step_snapshot
from app.services.unit_of_work import use_case

RESERVED = {"more_lines", "csrf_token", "submit", "action"}
MAX_CHOICES = 30


@dataclass
class FieldValues:
    """What the builder's field form sends."""

    label: str
    kind: str
    required: bool = False
    help_text: str = ""
    choices: list[str] = dc_field(default_factory=list)
    condition: str | None = None  # 'key=value'
    step_id: int | None = None


def _editable_step(step_id: int) -> FormStep:
    step = db.session.get(FormStep, step_id)
    if step is None or not step.version.is_draft:
        raise SetupError(_l("Kun kladden kan ændres. Tryk »Ret skemaet« for at lave en ny kladde."))
    return step


def _editable_field(field_id: int) -> FormField:
    found = db.session.get(FormField, field_id)
    if found is None or not found.version.is_draft:
        raise SetupError(_l("Kun kladden kan ændres. Tryk »Ret skemaet« for at lave en ny kladde."))
    return found


def _finish(version: FormVersion) -> None:
    """Check the whole draft after a change; a broken rule raises SetupError and the use case undoes it all."""
    db.session.flush()
    db.session.expire(version, ["steps", "fields"])
    check_conditions(version)


@use_case
def add_step(pool_id: int, actor: User, title: str, intro: str = "") -> FormStep:
    """Add a step at the end of the draft."""
    version = draft_for_edit(pool_id, actor)
    step = FormStep(version=version, position=len(version.steps), title=title.strip(), intro=intro.strip())
    db.session.add(step)
    db.session.flush()
    admin_audit.record(actor, "form", version.id, "add_step", None, step_snapshot(step))
    _finish(version)
    return step


@use_case
def update_step(step_id: int, actor: User, title: str, intro: str = "") -> FormStep:
    """Rename a step or change its introduction."""
    step = _editable_step(step_id)
    before = step_snapshot(step)
    step.title, step.intro = title.strip(), intro.strip()
    admin_audit.record(actor, "form", step.version_id, "update_step", before, step_snapshot(step))
    _finish(step.version)
    return step


@use_case
def delete_step(step_id: int, actor: User) -> None:
    """Delete a step and its fields, unless a later field depends on one of them."""
    step = _editable_step(step_id)
    version = step.version
    keys = {f.key for f in step.fields}
    _refuse_if_controlling(version, keys, exclude=keys)
    admin_audit.record(actor, "form", version.id, "delete_step",
                       {**step_snapshot(step), "fields": sorted(keys)}, None)
    db.session.delete(step)
    db.session.flush()
    for i, s in enumerate(sorted((s for s in version.steps if s.id != step_id), key=lambda s: s.position)):
        s.position = i
    _finish(version)


@use_case
def move_step(step_id: int, actor: User, direction: int) -> None:
    """Swap a step with its neighbour (direction -1 up, +1 down)."""
    step = _editable_step(step_id)
    _swap(step, sorted(step.version.steps, key=lambda s: s.position), direction)
    admin_audit.record(actor, "form", step.version_id, "move_step", None, step_snapshot(step))
    _finish(step.version)


def _swap(item, siblings: list, direction: int) -> None:
    index = siblings.index(item)
    other = index + (1 if direction > 0 else -1)
    if 0 <= other < len(siblings):
        for i, s in enumerate(siblings):
            s.position = i
        item.position, siblings[other].position = other, index


def _refuse_if_controlling(version: FormVersion, keys: set[str], exclude: set[str] = frozenset()) -> None:
    dependant = next((f for f in version.fields if f.condition_key in keys and f.key not in exclude), None)
    if dependant is not None:
        controller = next(f for f in version.fields if f.key == dependant.condition_key)
        raise SetupError(_l("»%(label)s« styrer, om »%(other)s« bliver vist. Fjern betingelsen på »%(other)s« først.",
                            label=controller.label, other=dependant.label))


def new_key(version: FormVersion, label: str) -> str:
    """A stable answer name from the label, unique in the version and safe as a form field name."""
    base = re.sub(r"[^a-z0-9]+", "_", label.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa"))
    base = base.strip("_")[:30] or "felt"
    if base[0].isdigit() or keyword.iskeyword(base) or hasattr(FlaskForm, base) or base in RESERVED:
        base = f"felt_{base}"[:30]
    taken = {f.key for f in version.fields}
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def _clean(values: FieldValues, version: FormVersion, current: FormField | None) -> FieldValues:
    if values.kind not in FIELD_KINDS:
        raise SetupError(_l("Vælg en felttype."), "kind")
    choices = list(dict.fromkeys(c.strip()[:200] for c in values.choices if c.strip()))
    if values.kind in CHOICE_KINDS and not 2 <= len(choices) <= MAX_CHOICES:
        raise SetupError(_l("Skriv mindst to svarmuligheder, én pr. linje (højst 30)."), "choices")
    values.choices = choices if values.kind in CHOICE_KINDS else []
    if values.kind == "budget" and any(f.kind == "budget" and f is not current for f in version.fields):
        raise SetupError(_l("Skemaet har allerede et budgetskema. Der kan kun være ét."), "kind")
    return values


def _parse_condition(text: str | None) -> tuple[str | None, str | None]:
    if not text or "=" not in text:
        return None, None
    key, value = text.split("=", 1)
    return key, value


@use_case
def add_field(step_id: int, actor: User, values: FieldValues) -> FormField:
    """Add a field at the end of a step of the draft."""
    step = _editable_step(step_id)
    version = step.version
    values = _clean(values, version, None)
    condition_key, condition_value = _parse_condition(values.condition)
    added = FormField(version=version, step=step, position=len(step.fields), key=new_key(version, values.label),
                      label=values.label.strip(), kind=values.kind, required=values.required,
                      help_text=values.help_text.strip(), choices=values.choices,
                      condition_key=condition_key, condition_value=condition_value)
    db.session.add(added)
    db.session.flush()
    admin_audit.record(actor, "form", version.id, "add_field", None, field_snapshot(added))
    _finish(version)
    return added


@use_case
def update_field(field_id: int, actor: User, values: FieldValues) -> FormField:
    """Change a field (and move it to another step of the draft if asked); all or nothing."""
    found = _editable_field(field_id)
    version = found.version
    before = field_snapshot(found)
    values = _clean(values, version, found)
    if values.step_id and values.step_id != found.step_id:
        target = next((s for s in version.steps if s.id == values.step_id), None)
        if target is None:
            raise SetupError(_l("Vælg et af skemaets trin."), "step_id")
        found.step, found.position = target, len(target.fields)
    found.condition_key, found.condition_value = _parse_condition(values.condition)
    if found.condition_key == found.key:  # checked here: the database refuses it outright
        raise SetupError(_l("»%(label)s« kan ikke afhænge af sig selv. Vælg et felt, der kommer før.",
                            label=found.label), "condition")
    found.label, found.kind, found.required = values.label.strip(), values.kind, values.required
    found.help_text, found.choices = values.help_text.strip(), values.choices
    db.session.flush()
    admin_audit.record(actor, "form", version.id, "update_field", before, field_snapshot(found))
    _finish(version)
    return found


@use_case
def delete_field(field_id: int, actor: User) -> None:
    """Delete a field, unless another field depends on it."""
    found = _editable_field(field_id)
    version, step = found.version, found.step
    _refuse_if_controlling(version, {found.key})
    admin_audit.record(actor, "form", version.id, "delete_field", field_snapshot(found), None)
    db.session.delete(found)
    db.session.flush()
    for i, f in enumerate(sorted((f for f in step.fields if f.id != field_id), key=lambda f: f.position)):
        f.position = i
    _finish(version)


@use_case
def move_field(field_id: int, actor: User, direction: int) -> None:
    """Swap a field with its neighbour on the step; refused if a condition would point forward."""
    found = _editable_field(field_id)
    _swap(found, sorted(found.step.fields, key=lambda f: f.position), direction)
    admin_audit.record(actor, "form", found.version_id, "move_field", None, field_snapshot(found))
    _finish(found.version)

"""A published form as plain frozen data, so the runtime is pure and needs no database."""
from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from app.models import FormField, FormStep, FormVersion


@dataclass(frozen=True)
class FieldSpec:
    """One question: `key` names its answer."""

    key: str
    label: str
    kind: str
    required: bool = False
    help_text: str = ""
    choices: tuple[str, ...] = ()
    condition_key: str | None = None
    condition_value: str | None = None


@dataclass(frozen=True)
class StepSpec:
    """One page of the form."""

    title: str
    intro: str
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True)
class FormSpec:
    """A form version: its steps in order."""

    version_id: int | None
    number: int | None
    steps: tuple[StepSpec, ...]

    def all_fields(self) -> list[FieldSpec]:
        """Every field in the order an applicant meets them."""
        return [f for step in self.steps for f in step.fields]

    def field(self, key: str) -> FieldSpec | None:
        """The field named `key`, or None."""
        return next((f for f in self.all_fields() if f.key == key), None)

    def step_of(self, key: str) -> int | None:
        """The index of the step that holds `key`."""
        return next((i for i, s in enumerate(self.steps) if any(f.key == key for f in s.fields)), None)


def field_spec(field: FormField) -> FieldSpec:
    """A field row as a FieldSpec."""
    return FieldSpec(key=field.key, label=field.label, kind=field.kind, required=field.required,
                     help_text=field.help_text or "", choices=tuple(field.choices or ()),
                     condition_key=field.condition_key, condition_value=field.condition_value)


def spec_from_version(version: FormVersion) -> FormSpec:
    """A form version (draft or published) as a FormSpec."""
    steps = tuple(StepSpec(title=s.title, intro=s.intro or "", fields=tuple(field_spec(f) for f in s.fields))
                  for s in version.steps)
    return FormSpec(version_id=version.id, number=version.number, steps=steps)


def load_spec(version_id: int) -> FormSpec | None:
    """The FormSpec of a stored version (two queries), or None."""
    version = db.session.scalar(
        db.select(FormVersion).where(FormVersion.id == version_id)
        .options(db.selectinload(FormVersion.steps).selectinload(FormStep.fields)))
    return spec_from_version(version) if version is not None else None

"""A published form as plain frozen data, so the runtime is pure and needs no database."""
from __future__ import annotations

from dataclasses import dataclass, replace

from flask_babel import gettext

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


# Short-text answers that name the application (the builder makes keys from labels such as "Titel på ...").
TITLE_KEYS = ("projekttitel", "projektets_titel", "projektets_navn", "titel", "title", "overskrift", "navn_paa_aktiviteten",
              "navn_paa_projektet", "aktivitetens_navn")
PROJECT_TITLE_KEY = "projekttitel"


def is_title_field(field: FieldSpec) -> bool:
    """True for the question whose answer names the case."""
    return field.kind == "short_text" and field.key.startswith(TITLE_KEYS) and field.condition_key is None


def project_title_field() -> FieldSpec:
    """The question every application form asks first when its own questions do not name the project."""
    return FieldSpec(key=PROJECT_TITLE_KEY, label=gettext("Projektets titel"), kind="short_text", required=True,
                     help_text=gettext("Et kort navn på det, I søger til, fx Sommerlejr for U12. Sagen og brevene "
                                       "får det navn."))


def with_project_title(steps: tuple[StepSpec, ...]) -> tuple[StepSpec, ...]:
    """`steps` with the project title first on the first page, unless a question already asks for a title."""
    if not steps or any(is_title_field(f) for s in steps for f in s.fields):
        return steps
    first = replace(steps[0], fields=(project_title_field(),) + steps[0].fields)
    return (first,) + steps[1:]


def field_spec(field: FormField) -> FieldSpec:
    """A field row as a FieldSpec."""
    return FieldSpec(key=field.key, label=field.label, kind=field.kind, required=field.required,
                     help_text=field.help_text or "", choices=tuple(field.choices or ()),
                     condition_key=field.condition_key, condition_value=field.condition_value)


def spec_from_version(version: FormVersion) -> FormSpec:
    """A form version (draft or published) as a FormSpec."""
    steps = tuple(StepSpec(title=s.title, intro=s.intro or "", fields=tuple(field_spec(f) for f in s.fields))
                  for s in version.steps)
    return FormSpec(version_id=version.id, number=version.number, steps=with_project_title(steps))


def load_spec(version_id: int) -> FormSpec | None:
    """The FormSpec of a stored version (two queries), or None."""
    version = db.session.scalar(
        db.select(FormVersion).where(FormVersion.id == version_id)
        .options(db.selectinload(FormVersion.steps).selectinload(FormStep.fields)))
    return spec_from_version(version) if version is not None else None

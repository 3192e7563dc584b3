"""What the step template needs: each shown field with its state, hint and condition in words."""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field

from flask_babel import gettext, lazy_gettext as _l

from app.formatting import money
from app.forms_runtime.conditions import NO, YES, is_visible
from app.forms_runtime.reading import value_text
from app.forms_runtime.spec import FieldSpec, FormSpec, StepSpec

KIND_LABELS = {
    "short_text": _l("Kort tekst"), "long_text": _l("Lang tekst"), "number": _l("Tal"),
    "amount": _l("Beløb i kr."), "date": _l("Dato"), "yes_no": _l("Ja/nej"),
    "single_choice": _l("Ét valg"), "multiple_choice": _l("Flere valg"), "email": _l("E-mail"),
    "phone": _l("Telefon"), "file": _l("Fil"), "budget": _l("Budgetskema"),
}


def value_label(controller: FieldSpec, value: str | None) -> str:
    """The words an applicant sees for a condition value."""
    if controller.kind == "yes_no":
        return gettext("Ja") if value == YES else gettext("Nej") if value == NO else str(value)
    return str(value or "")


def condition_text(spec: FormSpec, field: FieldSpec) -> str | None:
    """'Besvares kun, hvis du har svaret »Ja« til »...«.' or None."""
    controller = spec.field(field.condition_key) if field.condition_key else None
    if controller is None:
        return None
    return gettext("Besvares kun, hvis du har svaret »%(value)s« til »%(label)s«.",
                   value=value_label(controller, field.condition_value), label=controller.label)


@dataclass
class FieldView:
    """One field as rendered: `depends` means its controller is on this step (shown with a hint)."""

    spec: FieldSpec
    field: object
    depends: bool = False
    condition: str | None = None
    existing_file: str | None = None


@dataclass
class StepView:
    """One step ready for the `render_step` macro."""

    index: int
    count: int
    step: StepSpec
    form: object
    fields: list[FieldView] = dc_field(default_factory=list)
    titles: list[str] = dc_field(default_factory=list)
    preview: bool = False

    @property
    def is_last(self) -> bool:
        return self.index == self.count - 1


def step_view(spec: FormSpec, index: int, form, answers: dict | None = None, preview: bool = False) -> StepView:
    """The shown fields of step `index`; fields switched off by an earlier step are left out."""
    answers = answers or {}
    step = spec.steps[index]
    here = {f.key for f in step.fields}
    view = StepView(index=index, count=len(spec.steps), step=step, form=form,
                    titles=[s.title for s in spec.steps], preview=preview)
    for f in step.fields:
        depends = _depends_on_step(spec, f, here)
        if not depends and not is_visible(spec, f, answers):
            continue
        existing = answers.get(f.key) if f.kind == "file" else None
        view.fields.append(FieldView(spec=f, field=form[f.key], depends=depends, condition=condition_text(spec, f),
                                     existing_file=existing.get("filename") if isinstance(existing, dict) else None))
    return view


def _depends_on_step(spec: FormSpec, field: FieldSpec, here: set[str]) -> bool:
    """True when the field's visibility hangs (directly or not) on an answer given on this same step."""
    seen = 0
    while field.condition_key and seen < 50:
        if field.condition_key in here:
            return True
        field = spec.field(field.condition_key)
        if field is None:
            return False
        seen += 1
    return False


def answer_text(field: FieldSpec, value: object) -> str:
    """An answer in words for a summary page: money and dates as the rest of the app writes them."""
    if value in (None, "", [], {}):
        return "–"
    if field.kind == "yes_no":
        return gettext("Ja") if value is True else gettext("Nej")
    if field.kind == "file" and isinstance(value, dict):
        return str(value.get("filename") or "–")
    if field.kind == "budget" and isinstance(value, dict):
        return gettext("Udgifter %(spent)s, indtægter %(earned)s, ansøgt %(applied)s",
                       spent=money(value.get("total_expenses", 0)), earned=money(value.get("total_income", 0)),
                       applied=money(value.get("applied", 0)))
    return value_text(value, field.kind)


def outline(spec: FormSpec) -> list[dict]:
    """A read-only description of every step and field (the pool page's 'Sådan ser ansøgningen ud')."""
    return [{"title": s.title, "intro": s.intro,
             "fields": [{"spec": f, "kind": KIND_LABELS.get(f.kind, f.kind), "condition": condition_text(spec, f)}
                        for f in s.fields]} for s in spec.steps]

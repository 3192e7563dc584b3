"""Conditional visibility: a field is shown only when an earlier answer has a given value. Pure."""
from __future__ import annotations

from app.forms_runtime.spec import FieldSpec, FormSpec

YES, NO = "yes", "no"


def answer_matches(controller: FieldSpec, answer: object, value: str | None) -> bool:
    """True when `answer` to `controller` equals the condition `value`."""
    if answer is None or value is None:
        return False
    if controller.kind == "yes_no":
        return (answer is True and value == YES) or (answer is False and value == NO)
    if controller.kind == "multiple_choice":
        return isinstance(answer, (list, tuple)) and value in answer
    return answer == value


def is_visible(spec: FormSpec, field: FieldSpec, answers: dict, _depth: int = 0) -> bool:
    """True when the field is shown for these answers (its controller must be shown too)."""
    if not field.condition_key:
        return True
    controller = spec.field(field.condition_key)
    if controller is None or _depth > 50:
        return False
    return (answer_matches(controller, answers.get(controller.key), field.condition_value)
            and is_visible(spec, controller, answers, _depth + 1))


def visible_fields(spec: FormSpec, answers: dict) -> list[FieldSpec]:
    """The fields shown for these answers, in order."""
    return [f for f in spec.all_fields() if is_visible(spec, f, answers)]


def without_hidden(spec: FormSpec, answers: dict) -> dict:
    """The answers with those to hidden or unknown fields removed."""
    shown = {f.key for f in visible_fields(spec, answers)}
    return {k: v for k, v in answers.items() if k in shown}

"""The form runtime: turn a published form version into step forms, render them, validate answers.

Typical use in a view (the portal's application pages and the administrators' preview):

    spec = load_spec(case.form_version_id)
    form = step_form(spec, index, answers)              # reads the request on POST
    if wants_more_lines(form, request.form): ...        # re-render with more budget lines
    elif form.validate_on_submit():
        answers, uploads = answers_from_form(spec, index, form, answers)
    view = step_view(spec, index, form, answers)        # then {{ render_step(view) }}
    errors = validate_answers(spec, answers)            # before submitting
"""
from app.forms_runtime.budget import budget_answer, totals as budget_totals
from app.forms_runtime.builder import (MORE_LINES, answers_from_form, field_value, initial_data, step_form,
                                       step_form_class, wants_more_lines)
from app.forms_runtime.conditions import is_visible, visible_fields, without_hidden
from app.forms_runtime.spec import FieldSpec, FormSpec, StepSpec, load_spec, spec_from_version
from app.forms_runtime.validate import validate_answers
from app.forms_runtime.view import KIND_LABELS, StepView, answer_text, outline, step_view


def applied_amount(spec: FormSpec, answers: dict) -> int | None:
    """The amount applied for: the budget table's expenses minus income, if the form has one."""
    for field in spec.all_fields():
        if field.kind == "budget" and isinstance(answers.get(field.key), dict):
            value = answers[field.key]
            answer, _ = budget_answer(value.get("expenses") or [], value.get("income") or [])
            return answer["applied"]
    return None


__all__ = [
    "FieldSpec", "FormSpec", "KIND_LABELS", "MORE_LINES", "StepSpec", "StepView", "answers_from_form",
    "answer_text", "applied_amount", "budget_answer", "budget_totals", "field_value", "initial_data", "is_visible",
    "load_spec",
    "outline", "spec_from_version", "step_form", "step_form_class", "step_view", "validate_answers",
    "visible_fields", "wants_more_lines", "without_hidden",
]

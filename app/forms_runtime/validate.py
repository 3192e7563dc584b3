"""Validate a complete answers dict against a form version (the summary and submit step). Pure."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from app.forms_runtime import budget
from app.forms_runtime.conditions import visible_fields
from app.forms_runtime.spec import FieldSpec, FormSpec
from app.forms_runtime.values import MAX_AMOUNT, is_email, is_phone

MAX_SHORT, MAX_LONG = 300, 5000

MESSAGES = {
    "required": _l("Udfyld feltet."),
    "required_choice": _l("Vælg et svar."),
    "required_file": _l("Vedhæft en fil."),
    "required_budget": _l("Skriv mindst én udgift i budgettet."),
    "short_text": _l("Teksten må højst have 300 tegn."),
    "long_text": _l("Teksten må højst have 5000 tegn."),
    "number": _l("Skriv et helt tal, fx 25."),
    "amount": _l("Skriv beløbet i hele kroner, fx 12500."),
    "date": _l("Skriv en dato som dd.mm.åååå, fx 24.12.2026."),
    "date_not_real": _l("Datoen findes ikke. Tjek dag og måned."),
    "yes_no": _l("Vælg ja eller nej."),
    "single_choice": _l("Vælg et af svarene på listen."),
    "multiple_choice": _l("Vælg blandt svarene på listen."),
    "email": _l("Skriv en gyldig e-mailadresse, fx navn@forening.dk."),
    "phone": _l("Skriv et telefonnummer med 8 cifre, fx 12 34 56 78."),
    "file": _l("Filen mangler. Vedhæft den igen."),
    "budget": _l("Budgettet kunne ikke læses. Udfyld det igen."),
}


def is_blank(field: FieldSpec, value: object) -> bool:
    """True when the field has no answer."""
    if field.kind == "budget":
        return budget.is_empty(value)
    if field.kind == "file":
        return not (isinstance(value, dict) and value.get("filename"))
    return value is None or value == "" or value == [] or value == {}


def required_message(field: FieldSpec) -> str:
    """The message for a required field left empty."""
    if field.kind in ("yes_no", "single_choice", "multiple_choice"):
        return MESSAGES["required_choice"]
    return MESSAGES.get(f"required_{field.kind}", MESSAGES["required"])


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_AMOUNT


def _is_date(value: object) -> bool:
    if isinstance(value, date):
        return True
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


CHECKS = {
    "short_text": lambda f, v: isinstance(v, str) and len(v) <= MAX_SHORT,
    "long_text": lambda f, v: isinstance(v, str) and len(v) <= MAX_LONG,
    "number": lambda f, v: _is_whole(v),
    "amount": lambda f, v: _is_whole(v),
    "date": lambda f, v: _is_date(v),
    "yes_no": lambda f, v: isinstance(v, bool),
    "single_choice": lambda f, v: v in f.choices,
    "multiple_choice": lambda f, v: isinstance(v, list) and all(x in f.choices for x in v),
    "email": lambda f, v: isinstance(v, str) and is_email(v),
    "phone": lambda f, v: isinstance(v, str) and is_phone(v),
    "file": lambda f, v: isinstance(v, dict) and bool(v.get("filename")),
}


def _budget_problems(value: object) -> list:
    if not isinstance(value, dict):
        return [MESSAGES["budget"]]
    try:
        _, problems = budget.budget_answer(value.get("expenses") or [], value.get("income") or [])
    except (AttributeError, TypeError):
        return [MESSAGES["budget"]]
    return problems


def field_problems(field: FieldSpec, value: object) -> list:
    """The messages for one shown field's answer (empty when fine)."""
    if is_blank(field, value):
        return [required_message(field)] if field.required else []
    if field.kind == "budget":
        return _budget_problems(value)
    check = CHECKS.get(field.kind)
    return [] if check is None or check(field, value) else [MESSAGES[field.kind]]


def validate_answers(spec: FormSpec, answers: dict) -> dict[str, list]:
    """{field key: messages} for every shown field with a problem; hidden fields are not checked."""
    errors: dict[str, list] = {}
    for field in visible_fields(spec, answers):
        problems = field_problems(field, answers.get(field.key))
        if problems:
            errors[field.key] = problems
    return errors

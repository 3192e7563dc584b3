"""Rules an application must meet beyond each field's own format: pure functions of the form and the answers."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import LazyString, lazy_gettext as _l

from app.formatting import day_in_words
from app.forms_runtime import FormSpec, applied_amount, validate_answers, visible_fields
from app.forms_runtime.spec import FieldSpec, is_title_field

# A date question about the activity itself (when it begins, takes place or ends) cannot lie in the past.
# The form builder has no per-field setting for this yet, so the question's wording decides.
FUTURE_WORDS = re.compile(r"\b(begynder|begynde|starter|start|startdato|afholdes|holdes|finder sted|foregår|"
                          r"slutter|slutdato)\b", re.IGNORECASE)
MAX_TITLE = 300


def requires_future_date(field: FieldSpec) -> bool:
    """True for date questions about when the activity starts, takes place or ends."""
    return field.kind == "date" and bool(FUTURE_WORDS.search(field.label))


def _day(day: date) -> LazyString:
    return LazyString(lambda: day_in_words(day))


def rule_problems(field: FieldSpec, value: object, today: date) -> list:
    """Danish messages for an answer that has the right format but breaks an application rule."""
    if requires_future_date(field) and isinstance(value, str) and value and value < today.isoformat():
        return [_l("Datoen er passeret. Skriv en dato fra i dag (%(day)s) eller senere.", day=_day(today))]
    if field.kind == "budget" and isinstance(value, dict) and value.get("expenses") and value.get("applied") == 0:
        # Negative results are refused by the budget table itself; nothing left to apply for is caught here.
        return [_l("Indtægterne dækker hele budgettet, så der er intet beløb at søge om. Tjek udgifter og indtægter.")]
    return []


def application_problems(spec: FormSpec, answers: dict, today: date) -> dict[str, list]:
    """{field key: messages} for the whole application: every shown field's format and the rules above."""
    problems = validate_answers(spec, answers)
    for field in visible_fields(spec, answers):
        if field.key not in problems:
            extra = rule_problems(field, answers.get(field.key), today)
            if extra:
                problems[field.key] = extra
    return problems


def title_from(spec: FormSpec, answers: dict, pool_name: str, association_name: str) -> str:
    """The case title: the applicant's own title answer, else '<pool> – <association>'."""
    for field in spec.all_fields():
        value = answers.get(field.key)
        if is_title_field(field) and isinstance(value, str) and value.strip():
            return value.strip()[:MAX_TITLE]
    return f"{pool_name} – {association_name}"[:MAX_TITLE]


def amount_from(spec: FormSpec, answers: dict) -> int | None:
    """The amount applied for, from the budget table (None without a budget or while it does not add up)."""
    amount = applied_amount(spec, answers)
    return amount if amount is not None and amount >= 0 else None


def has_budget(spec: FormSpec) -> bool:
    """True when the form has a budget table."""
    return any(f.kind == "budget" for f in spec.all_fields())

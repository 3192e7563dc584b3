"""The budget table: expense and income lines; the amount applied for is expenses minus income. Pure."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from app.forms_runtime.values import parse_amount

MAX_LINES = 40
MAX_TEXT = 200


def clean_lines(lines: Iterable[dict]) -> tuple[list[dict], list[str]]:
    """Drop blank lines; return (lines with int amounts, messages for half-filled or bad lines)."""
    out, problems = [], []
    for number, line in enumerate(lines, start=1):
        text = str(line.get("text") or "").strip()
        raw = line.get("amount")
        if not text and raw in (None, ""):
            continue
        try:
            amount = parse_amount(raw if isinstance(raw, int) else str(raw or ""))
        except ValueError:
            problems.append(_l("Linje %(n)s: skriv beløbet i hele kroner, fx 2500.", n=number))
            continue
        if not text or amount is None:
            problems.append(_l("Linje %(n)s: skriv både en tekst og et beløb.", n=number))
            continue
        out.append({"text": text[:MAX_TEXT], "amount": amount})
    if len(out) > MAX_LINES:
        problems.append(_l("Der må højst være %(n)s linjer.", n=MAX_LINES))
    return out, problems


def totals(expenses: list[dict], income: list[dict]) -> dict:
    """Totals computed here, never taken from the browser."""
    spent = sum(int(line["amount"]) for line in expenses)
    earned = sum(int(line["amount"]) for line in income)
    return {"total_expenses": spent, "total_income": earned, "applied": spent - earned}


def budget_answer(expenses: Iterable[dict], income: Iterable[dict]) -> tuple[dict, list[str]]:
    """The stored answer for a budget table and the problems found (empty when fine)."""
    spent, bad_spent = clean_lines(expenses)
    earned, bad_earned = clean_lines(income)
    answer = {"expenses": spent, "income": earned, **totals(spent, earned)}
    problems = [_l("Udgifter – %(problem)s", problem=p) for p in bad_spent]
    problems += [_l("Indtægter – %(problem)s", problem=p) for p in bad_earned]
    if not problems and answer["applied"] < 0:
        problems.append(_l("Indtægterne er større end udgifterne, så der er intet at søge om. Tjek beløbene."))
    return answer, problems


def is_empty(answer: object) -> bool:
    """True when no expense line is filled in."""
    return not isinstance(answer, dict) or not answer.get("expenses")

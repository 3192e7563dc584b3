"""The application as submitted, as sections of label/value rows; tolerant of any shape of case.data."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _, lazy_gettext as _l

from app.forms_runtime.reading import BudgetView, FileView, budget_view, file_view, is_budget, is_file, value_text

MAX_DEPTH = 4
MAX_ITEMS = 200
KNOWN_LABELS = {
    "description": _l("Beskrivelse"), "purpose": _l("Formål"), "budget": _l("Budget"),
    "participants": _l("Deltagere"), "seasonal": _l("Sæsonansøgning"), "auto_approve": _l("Automatisk godkendelse"),
    "expenses": _l("Udgifter"), "income": _l("Indtægter"), "total": _l("I alt"), "amount": _l("Beløb"),
    "title": _l("Titel"), "text": _l("Tekst"), "start": _l("Start"), "end": _l("Slut"),
    "applied": _l("Ansøgt beløb"), "total_expenses": _l("Udgifter i alt"), "total_income": _l("Indtægter i alt"),
}


@dataclass(frozen=True)
class Row:
    """A label and a text value, a budget table, a file, or nested rows."""

    label: str
    text: str = ""
    rows: list["Row"] = field(default_factory=list)
    budget: BudgetView | None = None
    file: FileView | None = None


@dataclass(frozen=True)
class Section:
    """A step of the form (or the whole application when it has no steps)."""

    title: str | None
    rows: list[Row]


def sections(data: object, spec: object | None = None, documents: Mapping[int, object] | None = None) -> list[Section]:
    """Sections to show: by the form's steps when known, else by data["steps"], else key by key.

    `documents` (id -> Document, the case's) gives file answers their type and size without a query.
    """
    data = data if isinstance(data, dict) else {}
    answers = data.get("answers") if isinstance(data.get("answers"), dict) else data
    if spec is not None and getattr(spec, "steps", None):
        return _by_spec(answers, spec, documents or {})
    steps = data.get("steps")
    if isinstance(steps, list) and steps and all(isinstance(s, dict) for s in steps):
        return [_step_section(i, s) for i, s in enumerate(steps[:MAX_ITEMS], start=1)]
    if isinstance(data.get("answers"), dict) and answers and all(isinstance(v, dict) for v in answers.values()):
        return [Section(_label(k), rows(v)) for k, v in list(answers.items())[:MAX_ITEMS]]
    return [Section(None, rows(answers))] if answers else []


def _by_spec(answers: dict, spec: object, documents: Mapping[int, object]) -> list[Section]:
    out, seen = [], set()
    for step in spec.steps:
        step_rows = []
        for f in step.fields:
            seen.add(f.key)
            if f.key in answers:
                step_rows.append(_row(f.label, answers[f.key], 0, getattr(f, "kind", ""), documents))
        out.append(Section(step.title, step_rows))
    rest = {k: v for k, v in answers.items() if k not in seen}
    if rest:
        out.append(Section(_("Andre oplysninger"), rows(rest)))
    return out


def _step_section(index: int, step: dict) -> Section:
    title = step.get("title") or step.get("label") or step.get("name") or _("Trin %(n)s", n=index)
    content = step.get("answers", step.get("fields", step.get("items")))
    if content is None:
        content = {k: v for k, v in step.items() if k not in ("title", "label", "name")}
    return Section(str(title), rows(content))


def rows(value: object, depth: int = 0) -> list[Row]:
    """Rows for a dict (key by key) or a list (item by item, or label/value pairs)."""
    if isinstance(value, dict):
        return [_row(_label(k), v, depth) for k, v in list(value.items())[:MAX_ITEMS]]
    if isinstance(value, list):
        out = []
        for i, item in enumerate(value[:MAX_ITEMS], start=1):
            if isinstance(item, dict) and ("label" in item or "key" in item) and "value" in item:
                out.append(_row(str(item.get("label") or _label(str(item.get("key")))), item["value"], depth,
                                str(item.get("kind", ""))))
            else:
                out.append(_row(str(i), item, depth))
        return out
    return [_row(_("Svar"), value, depth)]


def _row(label: str, value: object, depth: int, kind: str = "", documents: Mapping[int, object] | None = None) -> Row:
    if kind in ("budget", "") and is_budget(value):
        return Row(label, budget=budget_view(value))
    if kind in ("file", "") and is_file(value):
        return Row(label, file=file_view(value, documents or {}))
    if isinstance(value, (dict, list)) and not _is_flat_list(value):
        if depth >= MAX_DEPTH:
            return Row(label, "…")
        return Row(label, rows=rows(value, depth + 1))
    return Row(label, text=scalar_text(value, kind))


def _is_flat_list(value: object) -> bool:
    return isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value)


def scalar_text(value: object, kind: str = "") -> str:
    """A value as text: yes/no, amounts, dates and lists in Danish (the form runtime's words)."""
    return value_text(value, kind)


def _label(key: object) -> str:
    key = str(key)
    known = KNOWN_LABELS.get(key)
    if known is not None:
        return str(known)
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else "–"

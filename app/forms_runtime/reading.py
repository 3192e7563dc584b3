"""A submitted answer as a reader sees it: by field type, in Danish (the staff case page's "Ansøgningen").

The same runtime that asked the question renders the answer: a budget as a table with totals, a file as a
link with its type and size, money and dates through app.formatting. Pure apart from the locale; the caller
passes the case's documents so a file answer needs no query of its own.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext, lazy_gettext as _l

from app.formatting import NOTHING, day, file_size, money
from app.forms_runtime.budget import clean_lines, totals

CONTENT_TYPE_LABELS = {
    "application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPG", "image/gif": "GIF",
    "text/plain": _l("Tekst"), "text/csv": "CSV",
    "application/msword": "Word", "application/vnd.ms-excel": "Excel", "application/vnd.ms-powerpoint": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.oasis.opendocument.text": "OpenDocument",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument",
}


@dataclass(frozen=True)
class BudgetLine:
    """One expense or income line, its amount formatted."""

    text: str
    amount: str


@dataclass(frozen=True)
class BudgetView:
    """The budget table: lines and totals computed here (never taken from what was stored)."""

    expenses: tuple[BudgetLine, ...]
    income: tuple[BudgetLine, ...]
    total_expenses: str
    total_income: str
    applied: str


@dataclass(frozen=True)
class FileView:
    """An attached file: the document to link to (None when it is gone), its name, type and size."""

    document_id: int | None
    filename: str
    type_label: str
    size: str


def is_budget(value: object) -> bool:
    """A stored budget answer: {"expenses": [...], "income": [...], ...}."""
    return isinstance(value, dict) and isinstance(value.get("expenses"), list) \
        and isinstance(value.get("income", []), list)


def is_file(value: object) -> bool:
    """A stored file answer: {"document_id": 11, "filename": "budget.pdf"}."""
    return isinstance(value, dict) and "filename" in value and set(value) <= {"document_id", "filename"}


def budget_view(value: dict) -> BudgetView:
    """The table for a stored budget answer; unreadable lines are left out, totals are summed again."""
    expenses, _ = clean_lines(line for line in value.get("expenses") or [] if isinstance(line, dict))
    income, _ = clean_lines(line for line in value.get("income") or [] if isinstance(line, dict))
    sums = totals(expenses, income)
    return BudgetView(expenses=tuple(BudgetLine(ln["text"], money(ln["amount"])) for ln in expenses),
                      income=tuple(BudgetLine(ln["text"], money(ln["amount"])) for ln in income),
                      total_expenses=money(sums["total_expenses"]), total_income=money(sums["total_income"]),
                      applied=money(sums["applied"]))


def file_view(value: dict, documents: Mapping[int, object]) -> FileView:
    """The file answer with what the stored document says about it (type and size)."""
    document_id = value.get("document_id")
    document = documents.get(document_id) if isinstance(document_id, int) else None
    if document is None:
        return FileView(None, str(value.get("filename") or NOTHING), "", "")
    return FileView(document.id, document.filename, type_label(document.content_type), file_size(document.size_bytes))


def type_label(content_type: str | None) -> str:
    """'PDF', 'Word', 'JPG' … for a stored document's content type."""
    content_type = str(content_type or "")
    return str(CONTENT_TYPE_LABELS.get(content_type, content_type.rsplit("/", 1)[-1].upper() or NOTHING))


def value_text(value: object, kind: str = "") -> str:
    """A plain answer in words: yes/no, money, dates and lists in Danish; '–' for nothing."""
    if value is None or value == "" or value == [] or value == {}:
        return NOTHING
    if isinstance(value, bool):
        return gettext("Ja") if value else gettext("Nej")
    if kind == "amount" and isinstance(value, int):
        return money(value)
    if kind == "date" and isinstance(value, (str, date)):
        return _date_text(value)
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value) or NOTHING
    return str(value)[:20_000]


def _date_text(value: str | date) -> str:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return day(value)

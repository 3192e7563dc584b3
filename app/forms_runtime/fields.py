"""WTForms fields for the runtime: Danish amounts and dates, and the budget table."""
from __future__ import annotations

from dataclasses import dataclass

from wtforms import Field, StringField
from wtforms.utils import unset_value

from app.forms_runtime import budget
from app.forms_runtime.validate import MESSAGES
from app.forms_runtime.values import DateNotReal, format_date, parse_amount, parse_date

BLANK_ROWS = 3
MORE_ROWS = 3
SECTIONS = ("expenses", "income")


class WholeNumberField(StringField):
    """Whole, non-negative kroner or numbers; '12.500 kr.' is read as 12500."""

    message_key = "amount"

    def process_formdata(self, valuelist: list) -> None:
        if not valuelist:  # not on this page: keep the stored value
            return
        self.raw, self.data = valuelist[0], None
        try:
            self.data = parse_amount(self.raw)
        except ValueError:
            raise ValueError(MESSAGES[self.message_key]) from None

    def _value(self) -> str:
        if getattr(self, "raw", None) is not None:
            return self.raw
        return "" if self.data is None else str(self.data)


class NumberField(WholeNumberField):
    """A whole number, e.g. how many take part."""

    message_key = "number"


class DanishDateField(StringField):
    """A date typed as dd.mm.åååå."""

    def process_formdata(self, valuelist: list) -> None:
        if not valuelist:
            return
        self.raw, self.data = valuelist[0], None
        try:
            self.data = parse_date(self.raw)
        except DateNotReal:
            raise ValueError(MESSAGES["date_not_real"]) from None
        except ValueError:
            raise ValueError(MESSAGES["date"]) from None

    def process_data(self, value: object) -> None:
        try:
            self.data = parse_date(value) if isinstance(value, str) else value
        except ValueError:
            self.data = None

    def _value(self) -> str:
        if getattr(self, "raw", None) is not None:
            return self.raw
        return format_date(self.data)


@dataclass(frozen=True)
class BudgetRow:
    """One line of the table as the template needs it."""

    index: int
    text_name: str
    amount_name: str
    text: str
    amount: str


class BudgetField(Field):
    """Expense and income lines posted as <name>-expenses-0-text etc.; works without JavaScript."""

    def process(self, formdata, data=unset_value, extra_filters=None) -> None:
        self.process_errors, self.extra_rows, self.raw_data = [], 0, None
        prefix = self.name + "-"
        if formdata is not None and any(k.startswith(prefix) for k in formdata):
            self.submitted = True
            self.data = {s: self._read(formdata, s) for s in SECTIONS}
            return
        self.submitted = False
        value = data if data is not unset_value and isinstance(data, dict) else {}
        self.data = {s: [{"text": ln.get("text", ""), "amount": "" if ln.get("amount") is None else str(ln["amount"])}
                         for ln in (value.get(s) or []) if isinstance(ln, dict)] for s in SECTIONS}

    def _read(self, formdata, section: str) -> list[dict]:
        lines = []
        for i in range(budget.MAX_LINES + 10):
            text_key, amount_key = f"{self.name}-{section}-{i}-text", f"{self.name}-{section}-{i}-amount"
            if text_key not in formdata and amount_key not in formdata:
                break
            lines.append({"text": formdata.get(text_key, "")[:budget.MAX_TEXT],
                          "amount": formdata.get(amount_key, "")[:30]})
        return lines

    def rows(self, section: str) -> list[BudgetRow]:
        """The typed lines, then blank ones to fill in."""
        lines = self.data.get(section, [])
        count = min(len(lines) + (0 if self.submitted else BLANK_ROWS) + self.extra_rows, budget.MAX_LINES)
        count = max(count, len(lines), 1)
        rows = []
        for i in range(count):
            line = lines[i] if i < len(lines) else {"text": "", "amount": ""}
            rows.append(BudgetRow(i, f"{self.name}-{section}-{i}-text", f"{self.name}-{section}-{i}-amount",
                                  str(line.get("text") or ""), str(line.get("amount") or "")))
        return rows

    def answer(self) -> tuple[dict, list]:
        """The stored answer (with server-side totals) and any problems."""
        return budget.budget_answer(self.data.get("expenses", []), self.data.get("income", []))

    def totals(self) -> dict:
        """Totals of the lines that can be read."""
        answer, _ = self.answer()
        return {k: answer[k] for k in ("total_expenses", "total_income", "applied")}

    def add_rows(self, count: int = MORE_ROWS) -> None:
        """Show more blank lines (the 'Flere linjer' button)."""
        self.extra_rows += count

    def _value(self) -> str:
        return ""

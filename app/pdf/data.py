"""What the documents say, as data, and the Danish words for their dates and amounts: nothing of reportlab.

Services build these and the app starts without the PDF machinery (reportlab is a tenth of a second to import):
the layout is imported when a PDF is made (app/pdf/renderers.py, and the render functions of letter.py and
repayment.py). The rendering modules re-export the classes they take.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from app.formatting import day_in_words, money


@dataclass(frozen=True)
class Sender:
    """The municipality as the letterhead shows it."""

    name: str
    department: str
    address: str
    email: str
    phone: str
    signature_lines: tuple[str, ...] = ()
    logo: bytes | None = None


@lru_cache(maxsize=4096)
def kroner(amount: int | None) -> str:
    """12000 -> '12.000 kr.' (letters are Danish, whatever the reader's language); remembered, as a letter
    writes its amounts two or three times and Babel takes a tenth of a millisecond for each."""
    return money(amount, locale="da")


def danish_date(day: date) -> str:
    """date(2026, 12, 3) -> '3. december 2026'."""
    # A date (not an instant, whose day depends on the zone) has one Danish name: remembered.
    return _day_in_danish(day) if type(day) is date else day_in_words(day, locale="da")


@lru_cache(maxsize=1024)
def _day_in_danish(day: date) -> str:
    return day_in_words(day, locale="da")


def moment_text(moment: datetime) -> str:
    """'3. december 2026 kl. 14.05' (give local time)."""
    return f"{danish_date(moment.date())} kl. {moment:%H.%M}"


# The minutes of a committee meeting (app/pdf/minutes.py).


@dataclass(frozen=True)
class MinutesItem:
    """One agenda item and what the committee decided."""

    number: int
    case_number: str
    association: str
    title: str
    pool_name: str
    amount_applied: int | None
    recommended_amount: int | None
    decision: str | None  # the decision in words (the state's label); None: postponed
    amount_granted: int | None  # None: the decision grants no money
    reason: str = ""
    comment: str = ""
    inhabil: tuple[str, ...] = ()


@dataclass(frozen=True)
class PoolLine:
    """A pool's budget after the meeting."""

    name: str
    budget: int
    granted_before: int
    granted_now: int

    @property
    def left(self) -> int:
        return self.budget - self.granted_before - self.granted_now


@dataclass(frozen=True)
class MinutesData:
    """The meeting, its members and its decisions."""

    sender: Sender
    committee: str
    meeting_date: date
    title: str
    location: str
    closed_on: date
    chair: str
    members: tuple[str, ...]
    items: tuple[MinutesItem, ...]
    pools: tuple[PoolLine, ...]


# The receipt for a submitted application (app/pdf/receipt.py).


@dataclass(frozen=True)
class Answer:
    """One question and the answer in words."""

    label: str
    text: str


@dataclass(frozen=True)
class Section:
    """A step of the form with its answers."""

    title: str
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Budget:
    """The budget table as submitted; totals computed by the server."""

    expenses: tuple[tuple[str, int], ...]
    income: tuple[tuple[str, int], ...]
    total_expenses: int
    total_income: int
    applied: int


@dataclass(frozen=True)
class ReceiptData:
    """Everything the receipt says. `received` is local time (Europe/Copenhagen)."""

    sender: Sender
    case_number: str
    received: datetime
    association: str
    cvr: str | None
    pool_name: str
    title: str
    amount_applied: int | None
    submitted_by: str
    sections: tuple[Section, ...]
    budget: Budget | None
    files: tuple[str, ...]
    link: str


# The case journal's print (app/pdf/case_journal.py).


@dataclass(frozen=True)
class JournalLine:
    """One journal entry as printed: when, what, by whom, and the words written."""

    at: str
    what: str
    who: str = ""
    comment: str = ""
    internal: bool = False


@dataclass(frozen=True)
class CaseJournal:
    """A case and its journal lines, oldest first."""

    sender: Sender
    case_number: str
    title: str
    association: str
    pool: str
    state: str
    printed_at: str
    scope: str  # who the print is for, e.g. "Udskrift til parten (uden interne notater)"
    lines: tuple[JournalLine, ...]

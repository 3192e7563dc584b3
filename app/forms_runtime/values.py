"""Parsing what applicants type: Danish amounts, numbers, dates and phone numbers. Pure functions."""
from __future__ import annotations

import re
from datetime import date

MAX_AMOUNT = 1_000_000_000
# ISO (what a browser's date picker sends) or day first with dots, dashes or slashes, as Danes write it.
DATE_SHAPES = (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), re.compile(r"(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})"))
PHONE = re.compile(r"^\+?[0-9][0-9 ]{6,18}[0-9]$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_amount(text: str | int | None) -> int | None:
    """'12.500 kr.' -> 12500; '' -> None; raises ValueError for anything but whole, non-negative kroner."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int):
        value = text
    else:
        cleaned = re.sub(r"(?i)\s*kr\.?\s*$", "", text.strip()).replace(" ", "").replace("\u00a0", "")
        if cleaned == "":
            return None
        cleaned = re.sub(r",(00?|-)$", "", cleaned)
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", cleaned):
            cleaned = cleaned.replace(".", "")
        if not re.fullmatch(r"\d+", cleaned):
            raise ValueError("not whole kroner")
        value = int(cleaned)
    if value < 0 or value > MAX_AMOUNT:
        raise ValueError("out of range")
    return value


def parse_number(text: str | int | None) -> int | None:
    """A whole, non-negative number ('1.200' is accepted as 1200)."""
    return parse_amount(text)


class DateNotReal(ValueError):
    """Written as a date, but the calendar has no such day (31.02.2027)."""


def parse_date(text: str | date | None) -> date | None:
    """'24.12.2026' (also 24-12-2026, 24/12/2026, 2026-12-24) -> date; '' -> None.

    Raises DateNotReal for a well-written day that does not exist, ValueError for anything else."""
    if text is None or isinstance(text, date):
        return text
    text = text.strip()
    if not text:
        return None
    for i, shape in enumerate(DATE_SHAPES):
        match = shape.fullmatch(text)
        if match:
            first, month, last = (int(g) for g in match.groups())
            year, day = (first, last) if i == 0 else (last, first)
            try:
                return date(year, month, day)
            except ValueError:
                raise DateNotReal(text) from None
    raise ValueError("not a date")


def format_date(value: date | str | None) -> str:
    """A date as dd.mm.åååå (ISO strings from stored answers too)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime("%d.%m.%Y")


def is_phone(text: str) -> bool:
    """8 digits (spaces allowed), optionally with a +country code."""
    return bool(PHONE.match(text.strip())) and sum(c.isdigit() for c in text) >= 8


def is_email(text: str) -> bool:
    """A plausible e-mail address."""
    return bool(EMAIL.match(text.strip())) and len(text) <= 254

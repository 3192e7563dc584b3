"""Form fields that keep what was typed and explain mistakes in Danish (WTForms has no Danish catalogue)."""
from __future__ import annotations

import re
from datetime import date, time

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import StopValidation
from wtforms.widgets import DateInput, TextInput, TimeInput

from app.forms_runtime.validate import MESSAGES
from app.forms_runtime.values import DateNotReal, parse_date as read_date



def parse_date(text: str | None) -> date | None:
    """'2026-10-06' or '6-10-2026' / '6.10.2026' as a date; None if it is not one."""
    try:
        return read_date(text or "")
    except ValueError:
        return None


def parse_time(text: str | None) -> time | None:
    """'18:00', '18.00' or '18' as a time; None if it is not one."""
    match = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?(?::\d{2})?", (text or "").strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    return time(hour, minute) if hour < 24 and minute < 60 else None


def parse_int(text: str | None) -> int | None:
    """A whole number (spaces and dots as thousand separators allowed)."""
    cleaned = re.sub(r"[\s.]", "", text or "")
    return int(cleaned) if re.fullmatch(r"-?\d{1,9}", cleaned) else None


class _ParsedField(StringField):
    """A text field with a parsed value in `.parsed`; the typed text stays in `.data`."""

    parser = staticmethod(lambda text: text)
    message = _l("Ugyldig værdi.")

    def process_data(self, value: object) -> None:
        self.data = "" if value is None else self._format(value)

    def _format(self, value: object) -> str:
        return str(value)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = (valuelist[0] if valuelist else "")[:40]

    @property
    def parsed(self):
        return self.parser(self.data) if self.data else None

    def pre_validate(self, form: object) -> None:
        if self.data and self.parsed is None:
            raise StopValidation(str(self.message))


class LocalDateField(_ParsedField):
    widget = DateInput()
    parser = staticmethod(parse_date)
    message = _l("Skriv en dato som dd-mm-åååå, fx 6-10-2026.")

    def _format(self, value: object) -> str:
        return value.isoformat() if isinstance(value, date) else str(value)

    def pre_validate(self, form: object) -> None:
        try:
            read_date(self.data or "")
        except DateNotReal:
            raise StopValidation(str(MESSAGES["date_not_real"])) from None
        except ValueError:  # not written as a date at all: the parent's check gives the format message
            super().pre_validate(form)
            return
        super().pre_validate(form)


class LocalTimeField(_ParsedField):
    widget = TimeInput()
    parser = staticmethod(parse_time)
    message = _l("Skriv et klokkeslæt som tt:mm, fx 18:00.")

    def _format(self, value: object) -> str:
        return value.strftime("%H:%M") if isinstance(value, time) else str(value)


class WholeNumberField(_ParsedField):
    widget = TextInput()
    parser = staticmethod(parse_int)
    message = _l("Skriv et helt tal.")

    def __call__(self, **kwargs: object) -> str:
        kwargs.setdefault("inputmode", "numeric")
        return super().__call__(**kwargs)

"""Form fields that parse Danish input and keep what was typed when it is wrong."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import DateInput

from app.forms_runtime.validate import MESSAGES
from app.forms_runtime.values import DateNotReal, parse_date as read_date

MAX_KRONER = 1_000_000_000


def parse_date(text: str) -> date | None:
    """2026-12-24, 24-12-2026, 24.12.2026 or 24/12/2026; None when it is not a real date."""
    try:
        return read_date(text or "")
    except ValueError:
        return None


def parse_kroner(text: str) -> int | None:
    """Whole kroner typed as 10000, 10.000, 10 000 or 10.000 kr.; None when it is not that."""
    text = re.sub(r"\s+", "", (text or "").lower()).removesuffix("kr.").removesuffix("kr")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    if not re.fullmatch(r"\d{1,10}", text):
        return None
    return int(text)


class RawKeepingField(StringField):
    """A text field that parses its input and shows the raw text again when it is invalid."""

    invalid_message = _l("Ugyldig værdi.")

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = (valuelist[0] if valuelist else "").strip()[:100]
        self.data = None
        if self.raw:
            self.data = self.parse(self.raw)
            if self.data is None:
                raise ValueError(str(self.invalid_reason(self.raw)))

    def invalid_reason(self, text: str) -> str:
        """Why `text` could not be read (one message per field unless a subclass knows better)."""
        return self.invalid_message

    def parse(self, text: str):
        raise NotImplementedError

    def _value(self) -> str:
        raw = getattr(self, "raw", None)
        if raw is not None:
            return raw
        return self.format(self.data) if self.data is not None else ""

    def format(self, value) -> str:
        return str(value)


class DanishDateField(RawKeepingField):
    """A date (the browser's date picker sends 2026-12-24)."""

    widget = DateInput()
    invalid_message = _l("Skriv en gyldig dato, fx 24.12.2026.")

    def parse(self, text: str) -> date | None:
        return parse_date(text)

    def invalid_reason(self, text: str) -> str:
        try:
            read_date(text)
        except DateNotReal:
            return MESSAGES["date_not_real"]
        except ValueError:  # not written as a date at all: the field's own message says how to write one
            return self.invalid_message
        return self.invalid_message

    def format(self, value: date) -> str:
        return value.isoformat()


class KronerField(RawKeepingField):
    """An amount in whole kroner."""

    invalid_message = _l("Skriv et beløb i hele kroner, fx 10000 eller 10.000.")

    def parse(self, text: str) -> int | None:
        value = parse_kroner(text)
        return value if value is not None and value <= MAX_KRONER else None


SCORE_CHOICES = [SelectChoice("", _l("Ikke vurderet"))] + [SelectChoice(str(n), str(n)) for n in range(6)]


class ScoreField(SelectField):
    """A score from 0 to 5, or blank for 'not scored yet'."""

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        super().__init__(label, validators, choices=SCORE_CHOICES, coerce=str, **kwargs)
        self.type = "SelectField"  # the shared field macro styles selects by this name

    def pre_validate(self, form) -> None:
        if (self.data or "") not in {choice.value for choice in SCORE_CHOICES}:
            raise ValidationError(_l("Vælg en score fra 0 til 5."))

    @property
    def score(self) -> int | None:
        """The chosen score as an int, None when blank or invalid."""
        return int(self.data) if self.data and self.data.isdigit() and int(self.data) <= 5 else None

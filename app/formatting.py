"""Amounts and dates as people read them: '12.000 kr.', '3. dec. 2026', '–' for nothing.

One module for templates, views, services and the PDF letters. Each function formats in the locale in
force: the request's, or the one `flask_babel.force_locale` set for a letter or an e-mail; with no app
context at all (the pure PDF code, a unit test) it is Danish. Pass `locale="da"` for text that is Danish
whatever the reader's language. Instants are shown in the municipality's time zone, as Flask-Babel does
(a naive datetime counts as UTC there).
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

from babel import Locale, dates, numbers
from flask import has_app_context
from flask_babel import get_locale, get_timezone

from app import clock

NOTHING = "–"
DEFAULT_LOCALE = "da"

# The date patterns the app shows (CLDR syntax; the examples are Danish).
DAY = "d. MMM y"                              # 3. dec. 2026
DAY_TIME = "d. MMM y HH:mm"                   # 3. dec. 2026 14:05
DAY_IN_WORDS = "d. MMMM y"                    # 3. december 2026
MONTH_IN_WORDS = "LLLL y"                     # december 2026
WEEKDAY_DAY = "EEEE d. MMM y"                 # torsdag 3. dec. 2026
WEEKDAY_DAY_TIME = "EEEE d. MMM y HH:mm"      # torsdag 3. dec. 2026 14:05
WEEKDAY_DAY_IN_WORDS = "EEEE d. MMMM y"       # torsdag 3. december 2026
SHORT_WEEKDAY_DAY = "EEE d. MMM"              # tor. 3. dec.
# A moment this year as a sentence part: "2. dec. kl. 10.14" (Danish writes the time with a full stop).
DAY_AT = {"da": "d. MMM 'kl.' HH.mm", "en": "d MMM 'at' HH:mm"}

Value = date | datetime


def number(amount: int | None, locale: str | None = None) -> str:
    """A whole number with thousands separators: '12.000' in Danish, '12,000' in English."""
    if amount is None:
        return NOTHING
    if not isinstance(amount, int):
        return numbers.format_decimal(amount, format="#,##0", locale=_locale(locale))
    # The same text as Babel's '#,##0' for a whole number, without parsing the pattern on every call.
    separator = _group_separator(str(_locale(locale)))
    text = f"{abs(amount):,}".replace(",", separator)
    return text if amount >= 0 else _minus(str(_locale(locale))) + text


def money(amount: int | None, locale: str | None = None) -> str:
    """'12.000 kr.' in Danish, '12,000 kr.' in English; '–' for no amount."""
    return NOTHING if amount is None else f"{number(amount, locale)} kr."


def money_exact(amount: Fraction | Decimal | int | str, locale: str | None = None) -> str:
    """'4.257,50 kr.' for an amount with øre (a calculation's steps), '13.000 kr.' for whole kroner."""
    value = _decimal(amount).quantize(Decimal("0.01"), ROUND_HALF_UP)
    if value == value.to_integral_value():
        return money(int(value), locale)
    return f"{numbers.format_decimal(value, format='#,##0.00', locale=_locale(locale))} kr."


def decimal_number(value: Fraction | Decimal | int | str, locale: str | None = None) -> str:
    """'9,1' or '20' in Danish: a share or percentage with at most one decimal."""
    value = _decimal(value).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return numbers.format_decimal(value, format="#,##0.#", locale=_locale(locale))


def _decimal(value: Fraction | Decimal | int | str) -> Decimal:
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(str(value))


def file_size(size: int | None, locale: str | None = None) -> str:
    """'800 kB', '1,2 MB' in Danish ('1.2 MB' in English); '–' for none."""
    if size is None:
        return NOTHING
    if size < 1024 * 1024:
        return f"{number(max(round(size / 1024), 1), locale)} kB"
    return f"{numbers.format_decimal(size / (1024 * 1024), format='#,##0.#', locale=_locale(locale))} MB"


def day(value: Value | None, locale: str | None = None) -> str:
    """'3. dec. 2026', or '3. dec. 2026 14:05' for an instant; '–' for none."""
    if value is None:
        return NOTHING
    if isinstance(value, datetime):
        return _moment(value, DAY_TIME, locale)
    return _day(value, DAY, locale)


def day_only(value: Value | None, locale: str | None = None) -> str:
    """'3. dec. 2026', also for an instant (its Danish date); '–' for none."""
    return NOTHING if value is None else _day(value, DAY, locale)


def day_in_words(value: Value, locale: str | None = None) -> str:
    """'3. december 2026'."""
    return _day(value, DAY_IN_WORDS, locale)


def month_in_words(value: Value, locale: str | None = None) -> str:
    """'december 2026' (a calendar month's heading)."""
    return _day(value, MONTH_IN_WORDS, locale)


def weekday_day_in_words(value: Value, locale: str | None = None) -> str:
    """'torsdag 3. december 2026'."""
    return _day(value, WEEKDAY_DAY_IN_WORDS, locale)


def short_weekday_day(value: Value, locale: str | None = None) -> str:
    """'tor. 3. dec.'."""
    return _day(value, SHORT_WEEKDAY_DAY, locale)


def weekday_day(moment: datetime, locale: str | None = None, with_time: bool = False) -> str:
    """'torsdag 3. dec. 2026', or with the time: 'torsdag 3. dec. 2026 14:05'."""
    return _moment(moment, WEEKDAY_DAY_TIME if with_time else WEEKDAY_DAY, locale)


def day_at(moment: datetime | None, locale: str | None = None) -> str:
    """'2. dec. kl. 10.14' ('2 Dec at 10:14'); '–' for none."""
    if moment is None:
        return NOTHING
    language = str(_locale(locale)).split("_")[0]
    return _moment(moment, DAY_AT.get(language, DAY_AT["en"]), locale)


def numeric_day(value: date) -> str:
    """'03.12.2026' (the same in every language)."""
    return value.strftime("%d.%m.%Y")


def numeric_moment(moment: datetime) -> str:
    """'03.12.2026 14:05' in the municipality's time zone (a naive time is Copenhagen wall-clock time)."""
    return clock.local(moment).strftime("%d.%m.%Y %H:%M")


def hhmm(value: time) -> str:
    """'18:00'."""
    return value.strftime("%H:%M")


@lru_cache(maxsize=None)
def _group_separator(locale: str) -> str:
    """The thousands separator of '#,##0' in `locale` (what Babel would put there), read once per locale."""
    return numbers.get_group_symbol(locale)


@lru_cache(maxsize=None)
def _minus(locale: str) -> str:
    return numbers.get_minus_sign_symbol(locale)


@lru_cache(maxsize=None)
def _short_months(locale: str) -> tuple[str, ...]:
    """Abbreviated month names ('MMM') of `locale`, index 1-12, read from Babel once per locale."""
    names = Locale.parse(locale).months["format"]["abbreviated"]
    return ("",) + tuple(names[m] for m in range(1, 13))


def _locale(locale: str | None) -> Locale | str:
    return locale or get_locale() or DEFAULT_LOCALE


def _zone() -> tzinfo:
    """Flask-Babel's zone (tests hold it equal to the clock's); the clock's when there is no app."""
    return get_timezone() if has_app_context() else clock.TZ


def _day(value: Value, pattern: str, locale: str | None) -> str:
    """The date alone; an instant counts by its date in the municipality's zone."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        value = aware.astimezone(_zone()).date()
    if pattern == DAY:  # the queue shows fifty of these a page: no pattern machinery for the commonest format
        return f"{value.day}. {_short_months(str(_locale(locale)))[value.month]} {value.year}"
    return dates.format_date(value, pattern, locale=_locale(locale))


def _moment(value: datetime, pattern: str, locale: str | None) -> str:
    return dates.format_datetime(value, pattern, tzinfo=_zone(), locale=_locale(locale))

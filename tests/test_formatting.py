"""Amounts and dates (app/formatting.py): Danish by default, the locale in force otherwise, no request needed."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest
from flask_babel import force_locale

from app import formatting as fmt
from app.forms_runtime.values import DateNotReal, parse_date
from app.pdf.data import danish_date, kroner

NEW_YEARS_NIGHT = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)  # 00:30 on 1 January in Copenhagen
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")


# Without any app: the pure PDF code and unit tests get Danish.

@pytest.mark.parametrize("amount, text", [(12000, "12.000 kr."), (0, "0 kr."), (7, "7 kr."),
                                          (1234567, "1.234.567 kr."), (None, "–")])
def test_money_is_danish_with_no_app(amount, text):
    assert fmt.money(amount) == text


def test_number_has_thousands_separators():
    assert fmt.number(12000) == "12.000" and fmt.number(None) == "–"
    assert fmt.number(12000, locale="en") == "12,000"


def test_dates_with_no_app_count_in_copenhagen():
    assert fmt.day(date(2026, 12, 3)) == "3. dec. 2026"
    assert fmt.day(NEW_YEARS_NIGHT) == "1. jan. 2027 00:30"
    assert fmt.day_only(NEW_YEARS_NIGHT) == "1. jan. 2027"
    assert fmt.day(None) == fmt.day_only(None) == "–"
    assert fmt.day_in_words(date(2026, 12, 3)) == "3. december 2026"
    assert fmt.weekday_day_in_words(date(2026, 10, 13)) == "tirsdag 13. oktober 2026"
    assert fmt.short_weekday_day(date(2026, 10, 13)) == "tirs. 13. okt."
    assert fmt.weekday_day(NEW_YEARS_NIGHT) == "fredag 1. jan. 2027"
    assert fmt.weekday_day(NEW_YEARS_NIGHT, with_time=True) == "fredag 1. jan. 2027 00:30"


def test_machine_like_formats_are_the_same_in_every_language():
    assert fmt.numeric_day(date(2026, 3, 4)) == "04.03.2026"
    assert fmt.numeric_moment(NEW_YEARS_NIGHT) == "01.01.2027 00:30"
    assert fmt.numeric_moment(datetime(2026, 7, 1, 14, 5)) == "01.07.2026 14:05"  # naive: Copenhagen wall clock
    assert fmt.hhmm(time(18, 0)) == "18:00"


@pytest.mark.parametrize("month", range(1, 13))
def test_letters_keep_their_danish_dates_and_amounts(month):
    """The letters' formats are the module's, and as they were: '3. december 2026', '12.000 kr.'."""
    assert danish_date(date(2026, month, 3)) == f"3. {MONTHS[month - 1]} 2026"
    assert kroner(12000) == "12.000 kr." and kroner(None) == "–"


# With an app: the locale in force, also outside a request (a Celery task's letters and e-mails).

def test_the_locale_in_force_without_a_request(app):
    with force_locale("en"):
        assert fmt.money(12000) == "12,000 kr."
        assert fmt.day(NEW_YEARS_NIGHT) == "1. Jan 2027 00:30"
        assert fmt.day_in_words(date(2026, 12, 3)) == "3. December 2026"
    with force_locale("da"):
        assert fmt.money(12000) == "12.000 kr." and fmt.day_only(NEW_YEARS_NIGHT) == "1. jan. 2027"


def test_an_explicit_locale_wins_over_the_one_in_force(app):
    with force_locale("en"):
        assert kroner(12000) == "12.000 kr." and danish_date(date(2026, 12, 3)) == "3. december 2026"
        assert fmt.money(12000, locale="da") == "12.000 kr."


def test_a_request_uses_the_visitors_language(app):
    with app.test_request_context(headers={"Accept-Language": "da"}):
        assert fmt.money(12000) == "12.000 kr." and fmt.day(date(2026, 12, 3)) == "3. dec. 2026"


@pytest.mark.parametrize("text", ["31.02.2027", "29-02-2027", "2027-04-31", "32/01/2027"])
def test_a_well_written_day_that_does_not_exist_is_told_apart_from_a_wrong_format(text):
    with pytest.raises(DateNotReal):
        parse_date(text)


@pytest.mark.parametrize("text", ["1. marts", "2027", "31.02.27", "i morgen"])
def test_text_that_is_not_written_as_a_date_is_a_format_error(text):
    with pytest.raises(ValueError) as raised:
        parse_date(text)
    assert not isinstance(raised.value, DateNotReal)


def test_leap_day_and_the_four_shapes_are_read():
    assert {parse_date(t) for t in ("29.02.2028", "29-02-2028", "29/02/2028", "2028-02-29")} == {date(2028, 2, 29)}


def test_a_month_heading_and_a_form_answer_use_the_one_date_style(app):
    from app.forms_runtime.spec import FieldSpec
    from app.forms_runtime.view import answer_text
    with app.test_request_context():
        assert fmt.month_in_words(date(2026, 12, 1)) == "december 2026"
        field = FieldSpec("start", "Start", "date")
        assert answer_text(field, "2027-07-01") == fmt.day(date(2027, 7, 1)) == "1. jul. 2027"
        assert answer_text(field, "ikke en dato") == "ikke en dato"


@pytest.mark.parametrize("locale", ["da", "en"])
def test_the_fast_number_and_day_are_babels_own_text(locale):
    """number() and day() skip Babel's pattern machinery for whole numbers and 'd. MMM y': same text as Babel."""
    from datetime import timedelta

    from babel import dates as babel_dates, numbers as babel_numbers
    for amount in (0, 7, 999, 1000, 12_000, -1, -4_500, 1_234_567, 10**12):
        assert fmt.number(amount, locale) == babel_numbers.format_decimal(amount, "#,##0", locale=locale)
    first = date(1999, 12, 25)
    for offset in range(0, 800, 7):
        day = first + timedelta(days=offset)
        assert fmt.day(day, locale) == babel_dates.format_date(day, "d. MMM y", locale=locale)

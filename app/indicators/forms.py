"""The dashboard's filters: a GET form (no CSRF: it changes nothing)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField


def optional_int(value: object) -> int | None:
    """'' -> None, '3' -> 3 (anything else fails the choice check)."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    aar = SelectField(_l("År"), coerce=optional_int, validate_choice=True,
                      invalid_choice_message=_l("Vælg et af årene på listen."))
    udvalg = SelectField(_l("Udvalg"), coerce=optional_int, validate_choice=True,
                         invalid_choice_message=_l("Vælg et udvalg på listen."))
    pulje = SelectField(_l("Pulje"), coerce=optional_int, validate_choice=True,
                        invalid_choice_message=_l("Vælg en pulje på listen."))

    def fill(self, years: list[int], committees: list, pools: list) -> None:
        """Choices from the database; the first year is the default."""
        self.aar.choices = [SelectChoice(y, str(y)) for y in years]
        self.udvalg.choices = [SelectChoice("", _l("Alle udvalg"))] + [SelectChoice(c.id, c.name) for c in committees]
        self.pulje.choices = [SelectChoice("", _l("Alle puljer"))] + [
            SelectChoice(p.id, f"{p.name} ({p.year})") for p in pools]
        if self.aar.data is None:
            self.aar.data = years[0]

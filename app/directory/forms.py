"""The listing form (with its activities) and the visitors' search form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, SelectChoice, SelectField, SelectMultipleField, \
    StringField, TextAreaField, widgets
from wtforms.validators import Length, Optional, ValidationError

from app.indicators.forms import optional_int
from app.models.report import AGE_BANDS
from app.portal.forms import website_check
from app.services.associations.directory import MAX_ACTIVITIES


def _max(n: int):
    return Length(max=n, message=_l("Højst %(n)s tegn.", n=n))


class CheckboxesField(SelectMultipleField):
    """Several check boxes (the age groups)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ActivityForm(Form):
    name = StringField(_l("Aktivitet"), validators=[_max(200)])  # required unless the row is blank: validate_name
    description = TextAreaField(_l("Kort beskrivelse"), validators=[Optional(), _max(1000)])
    ages = CheckboxesField(_l("For hvem"), choices=[SelectChoice(band, label) for band, label in AGE_BANDS],
                           validate_choice=True)
    when_text = StringField(_l("Hvornår"), validators=[Optional(), _max(200)])
    where_text = StringField(_l("Hvor"), validators=[Optional(), _max(200)])
    space_id = SelectField(_l("Lokale, I booker"), coerce=optional_int, validate_choice=True,
                           invalid_choice_message=_l("Vælg et af jeres lokaler på listen."))

    def is_blank(self) -> bool:
        return not any((self.name.data, self.description.data, self.ages.data, self.when_text.data,
                        self.where_text.data, self.space_id.data))

    def validate_name(self, field) -> None:
        if not (field.data or "").strip() and not self.is_blank():
            raise ValidationError(_l("Skriv, hvad aktiviteten hedder, fx Fodbold for børn."))


class ListingForm(FlaskForm):
    is_public = BooleanField(_l("Vis foreningen i den offentlige foreningsoversigt"))
    description = TextAreaField(_l("Om foreningen"), validators=[Optional(), _max(3000)])
    contact = StringField(_l("Kontakt"), validators=[Optional(), _max(300)])
    website = StringField(_l("Hjemmeside"), validators=[Optional(), _max(300), website_check])
    activities = FieldList(FormField(ActivityForm), min_entries=1, max_entries=MAX_ACTIVITIES)

    def fill_spaces(self, spaces: list) -> None:
        choices = [SelectChoice("", _l("Intet valgt"))] + [
            SelectChoice(s.id, f"{s.location.name}: {s.name}") for s in spaces]
        for entry in self.activities:
            entry.form.space_id.choices = choices


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Søg efter aktivitet"), validators=[Optional(), _max(100)])
    alder = SelectField(_l("Alder"), validate_choice=True, invalid_choice_message=_l("Vælg en aldersgruppe på listen."),
                        choices=[SelectChoice("", _l("Alle aldre"))] + [SelectChoice(b, l) for b, l in AGE_BANDS])

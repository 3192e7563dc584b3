"""Forms for requests, wishes, cancellations, rounds and the catalogue."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.premises.fields import LocalDateField, LocalTimeField, WholeNumberField, parse_date
from app.services.premises.messages import AGE_GROUP_LABELS, BOOKABLE_BY_LABELS, RECURRENCE_LABELS, WEEKDAYS


def _required(message: str) -> DataRequired:
    return DataRequired(message=message)


def _int_range(low: int, high: int, message: str):
    def check(form: FlaskForm, field: WholeNumberField) -> None:
        if field.parsed is not None and not low <= field.parsed <= high:
            raise ValidationError(message)
    return check


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RequestForm(FlaskForm):
    association_id = SelectField(_l("Forening"), coerce=int, validate_choice=True)
    purpose = StringField(_l("Hvad skal lokalet bruges til?"), validators=[
        _required(_l("Skriv, hvad lokalet skal bruges til.")), Length(max=200, message=_l("Højst 200 tegn."))])
    participants = WholeNumberField(_l("Antal deltagere"), validators=[
        _required(_l("Skriv, hvor mange I bliver.")), _int_range(1, 10_000, _l("Skriv et antal fra 1 til 10.000."))])
    age_group = SelectField(_l("Målgruppe"), choices=list(AGE_GROUP_LABELS.items()), validate_choice=True)
    first_day = LocalDateField(_l("Dato (første gang)"), validators=[_required(_l("Vælg en dato."))])
    start_time = LocalTimeField(_l("Fra kl."), validators=[_required(_l("Skriv, hvornår I starter."))])
    end_time = LocalTimeField(_l("Til kl."), validators=[_required(_l("Skriv, hvornår I slutter."))])
    recurrence = SelectField(_l("Gentagelse"), choices=list(RECURRENCE_LABELS.items()), validate_choice=True)
    until = LocalDateField(_l("Gentages til og med"))
    exceptions = TextAreaField(_l("Datoer uden booking"), validators=[Length(max=2000, message=_l("Højst 2000 tegn."))])
    equipment = MultiCheckboxField(_l("Udstyr"), coerce=int, validate_choice=True)
    take_free = BooleanField(_l("Ja, book de ledige datoer"))

    def validate_exceptions(self, field: TextAreaField) -> None:
        bad = [part for part in _date_parts(field.data) if parse_date(part) is None]
        if bad:
            raise ValidationError(_l("Disse datoer kan ikke læses: %(dates)s. Skriv dem som dd-mm-åååå.",
                                     dates=", ".join(bad[:5])))

    def exception_dates(self) -> frozenset:
        return frozenset(d for d in (parse_date(p) for p in _date_parts(self.exceptions.data)) if d)


def _date_parts(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").replace(";", ",").replace("\n", ",").split(",") if p.strip()]


class WishForm(FlaskForm):
    space_id = SelectField(_l("Lokale"), coerce=int, validate_choice=True)
    weekday = SelectField(_l("Ugedag"), coerce=int, choices=[(i, label) for i, label in enumerate(WEEKDAYS)],
                          validate_choice=True)
    start_time = LocalTimeField(_l("Fra kl."), validators=[_required(_l("Skriv, hvornår I starter."))])
    end_time = LocalTimeField(_l("Til kl."), validators=[_required(_l("Skriv, hvornår I slutter."))])
    participants = WholeNumberField(_l("Antal deltagere"), validators=[
        _required(_l("Skriv, hvor mange I bliver.")), _int_range(1, 10_000, _l("Skriv et antal fra 1 til 10.000."))])
    age_group = SelectField(_l("Målgruppe"), choices=list(AGE_GROUP_LABELS.items()), validate_choice=True)
    for_disabled = BooleanField(_l("Aktiviteten er for mennesker med handicap"))
    priority = WholeNumberField(_l("Jeres prioritet (1 er vigtigst)"), validators=[
        _required(_l("Skriv jeres prioritet.")), _int_range(1, 99, _l("Skriv et tal fra 1 til 99."))])
    note = TextAreaField(_l("Bemærkning"), validators=[Length(max=2000, message=_l("Højst 2000 tegn."))])


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Begrundelse"), validators=[
        _required(_l("Skriv en begrundelse. Foreningen får den med i beskeden om aflysningen.")),
        Length(max=5000, message=_l("Højst 5000 tegn."))])


class RoundForm(FlaskForm):
    name = StringField(_l("Navn"), validators=[_required(_l("Skriv et navn, fx Vintersæson 2027.")),
                                                Length(max=200, message=_l("Højst 200 tegn."))])
    opens_on = LocalDateField(_l("Ansøgning åbner"), validators=[_required(_l("Vælg en dato."))])
    closes_on = LocalDateField(_l("Ansøgningsfrist"), validators=[_required(_l("Vælg en dato."))])
    season_start = LocalDateField(_l("Sæsonen starter"), validators=[_required(_l("Vælg en dato."))])
    season_end = LocalDateField(_l("Sæsonen slutter"), validators=[_required(_l("Vælg en dato."))])

    def validate_closes_on(self, field: LocalDateField) -> None:
        if field.parsed and self.opens_on.parsed and field.parsed < self.opens_on.parsed:
            raise ValidationError(_l("Fristen skal ligge efter åbningsdatoen."))

    def validate_season_end(self, field: LocalDateField) -> None:
        if field.parsed and self.season_start.parsed and field.parsed < self.season_start.parsed:
            raise ValidationError(_l("Sæsonen skal slutte efter, den starter."))


class LocationForm(FlaskForm):
    name = StringField(_l("Navn"), validators=[_required(_l("Skriv stedets navn.")), Length(max=200)])
    address = StringField(_l("Adresse"), validators=[Length(max=300, message=_l("Højst 300 tegn."))])
    description = TextAreaField(_l("Beskrivelse"), validators=[Length(max=5000, message=_l("Højst 5000 tegn."))])
    is_published = BooleanField(_l("Vis stedet offentligt"), default=True)


class SpaceForm(FlaskForm):
    name = StringField(_l("Navn"), validators=[_required(_l("Skriv lokalets navn.")), Length(max=200)])
    parent_id = SelectField(_l("Ligger i"), coerce=int, validate_choice=True)
    description = TextAreaField(_l("Beskrivelse"), validators=[Length(max=5000, message=_l("Højst 5000 tegn."))])
    capacity = WholeNumberField(_l("Plads til (personer)"), validators=[
        Optional(), _int_range(1, 100_000, _l("Skriv et antal fra 1 til 100.000."))])
    facilities = TextAreaField(_l("Faciliteter"), validators=[Length(max=5000, message=_l("Højst 5000 tegn."))])
    step_free = BooleanField(_l("Niveaufri adgang"))
    disabled_suited = BooleanField(_l("Egnet for mennesker med handicap"))
    rules_text = TextAreaField(_l("Regler for brug"), validators=[Length(max=10000, message=_l("Højst 10000 tegn."))])
    bookable_by = SelectField(_l("Hvem kan låne"), choices=list(BOOKABLE_BY_LABELS.items()), validate_choice=True)
    cancel_deadline_hours = WholeNumberField(_l("Frist for aflysning (timer før)"), validators=[
        _required(_l("Skriv fristen i timer (0 for ingen frist).")), _int_range(0, 8760, _l("Skriv 0 til 8760 timer."))])
    max_cancellations = WholeNumberField(_l("Højst antal aflysninger pr. sæson"), validators=[
        Optional(), _int_range(0, 1000, _l("Skriv et tal fra 0 til 1000."))])
    auto_approve = BooleanField(_l("Godkend anmodninger automatisk, når de overholder reglerne"))
    is_published = BooleanField(_l("Vis lokalet offentligt"), default=True)


class ClosureForm(FlaskForm):
    starts_on = LocalDateField(_l("Fra og med"), validators=[_required(_l("Vælg en dato."))])
    ends_on = LocalDateField(_l("Til og med"), validators=[_required(_l("Vælg en dato."))])
    reason = StringField(_l("Årsag"), validators=[_required(_l("Skriv en årsag, fx Juleferie.")), Length(max=200)])

    def validate_ends_on(self, field: LocalDateField) -> None:
        if field.parsed and self.starts_on.parsed and field.parsed < self.starts_on.parsed:
            raise ValidationError(_l("Slutdatoen skal ligge efter startdatoen."))


class EquipmentForm(FlaskForm):
    name = StringField(_l("Navn"), validators=[_required(_l("Skriv udstyrets navn.")), Length(max=200)])
    description = TextAreaField(_l("Beskrivelse"), validators=[Length(max=5000, message=_l("Højst 5000 tegn."))])
    quantity = WholeNumberField(_l("Antal"), validators=[
        _required(_l("Skriv antallet.")), _int_range(1, 10_000, _l("Skriv et antal fra 1 til 10.000."))])
    is_published = BooleanField(_l("Vis udstyret offentligt"), default=True)


def _hours_form_class() -> type[FlaskForm]:
    fields = {}
    for day, label in enumerate(WEEKDAYS):
        fields[f"opens_{day}"] = LocalTimeField(_l("%(day)s åbner", day=label))
        fields[f"closes_{day}"] = LocalTimeField(_l("%(day)s lukker", day=label))
    return type("HoursForm", (FlaskForm,), fields)


# Opens and closes per weekday; both blank means closed (or the enclosing space's hours).
HoursForm = _hours_form_class()

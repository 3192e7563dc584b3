"""Caseworker forms with Danish messages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.formatting import number
from app.staff.fields import DanishDateField, KronerField, ScoreField

SORT_CHOICES = [
    SelectChoice("oldest", _l("Ældste først")),
    SelectChoice("newest", _l("Nyeste først")),
    SelectChoice("deadline", _l("Frist (først udløbende)")),
    SelectChoice("amount", _l("Ansøgt beløb (største først)")),
    SelectChoice("association", _l("Forening (A-Å)")),
]
ASSIGNEE_CHOICES = [SelectChoice("any", _l("Alle")), SelectChoice("me", _l("Mig")),
                    SelectChoice("none", _l("Ingen (ikke tildelt)"))]


class QueueFilterForm(Form):
    """The queue's filters; sent with GET so a view can be bookmarked and shared."""

    q = StringField(_l("Søg"), validators=[Length(max=200, message=_l("Søgningen er for lang (højst 200 tegn)."))])
    status = SelectField(_l("Status"), validate_choice=False)
    pulje = SelectField(_l("Pulje"), validate_choice=False)
    sagsgang = SelectField(_l("Sagsgang"), validate_choice=False)
    tildelt = SelectField(_l("Sagsbehandler"), validate_choice=False)
    forening = StringField(_l("Forening (navn eller CVR-nummer)"),
                           validators=[Length(max=200, message=_l("Skriv højst 200 tegn."))])
    indsendt_fra = DanishDateField(_l("Indsendt fra"))
    indsendt_til = DanishDateField(_l("Indsendt til og med"))
    beloeb_fra = KronerField(_l("Ansøgt beløb fra (kr.)"))
    beloeb_til = KronerField(_l("Ansøgt beløb til (kr.)"))
    overskredet = BooleanField(_l("Kun sager med overskredet frist"))
    sortering = SelectField(_l("Sortering"), choices=SORT_CHOICES, validate_choice=False)

    def validate_indsendt_til(self, field) -> None:
        start = self.indsendt_fra.data
        if field.data is not None and start is not None and field.data < start:
            raise ValidationError(_l("Slutdatoen ligger før startdatoen."))

    def validate_beloeb_til(self, field) -> None:
        low = self.beloeb_fra.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(_l("Det største beløb er mindre end det mindste."))


class VersionedForm(FlaskForm):
    """Carries the case version the page showed (optimistic locking)."""

    version = HiddenField()
    seen = HiddenField()  # the newest journal event the page showed: a lost race lists what came after it

    @property
    def version_seen(self) -> int | None:
        value = (self.version.data or "").strip()
        return int(value) if value.isdigit() else None

    @property
    def event_seen(self) -> int | None:
        value = (self.seen.data or "").strip()
        return int(value) if value.isdigit() else None


class AssignForm(VersionedForm):
    assignee = SelectField(_l("Giv sagen til"), validate_choice=False)

    def validate_assignee(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Vælg en sagsbehandler på listen."))


class BulkAssignForm(FlaskForm):
    assignee = SelectField(_l("Tildel de valgte sager til"), validate_choice=False)

    def validate_assignee(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Vælg en sagsbehandler på listen."))


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Intern note"), validators=[
        DataRequired(message=_l("Skriv noten.")), Length(max=10_000, message=_l("Noten er for lang (højst 10.000 tegn)."))])


class InformationRequestForm(VersionedForm):
    question = TextAreaField(_l("Spørgsmål til ansøgeren"), validators=[
        DataRequired(message=_l("Skriv spørgsmålet til ansøgeren.")),
        Length(max=5_000, message=_l("Spørgsmålet er for langt (højst 5.000 tegn)."))])
    reply_deadline = DanishDateField(_l("Svarfrist"), validators=[
        InputRequired(message=_l("Vælg en svarfrist."))])


HEARING_CHOICES = [SelectChoice("held", _l("Partshøring er gennemført")),
                   SelectChoice("not_needed", _l("Partshøring er ikke nødvendig"))]


class HearingForm(VersionedForm):
    choice = RadioField(_l("Partshøring"), choices=HEARING_CHOICES,
                        validators=[InputRequired(message=_l("Vælg, om partshøring er gennemført eller ikke er nødvendig."))])
    explanation = TextAreaField(_l("Forklaring"), validators=[
        DataRequired(message=_l("Forklar kort, hvordan ansøgeren er hørt, eller hvorfor det ikke er nødvendigt.")),
        Length(max=5_000, message=_l("Forklaringen er for lang (højst 5.000 tegn)."))])


class ConflictForm(FlaskForm):
    reason = TextAreaField(_l("Hvorfor er du inhabil?"), validators=[
        DataRequired(message=_l("Skriv kort, hvorfor du er inhabil.")),
        Length(max=5_000, message=_l("Begrundelsen er for lang (højst 5.000 tegn)."))])


class AssessmentBase(VersionedForm):
    recommended_amount = KronerField(_l("Indstillet beløb (kr.)"), validators=[Optional()])
    recommendation = TextAreaField(_l("Indstilling og begrundelse"), validators=[
        Length(max=20_000, message=_l("Indstillingen er for lang (højst 20.000 tegn)."))])


def assessment_form(criteria, amount_applied: int | None, **kwargs) -> AssessmentBase:
    """A form with a score and a comment per criterion of the pool."""

    class AssessmentForm(AssessmentBase):
        def validate_recommended_amount(self, field) -> None:
            if field.data is not None and amount_applied is not None and field.data > amount_applied:
                raise ValidationError(_l("Beløbet kan ikke være større end det ansøgte (%(amount)s kr.).",
                                         amount=number(amount_applied)))

    for criterion in criteria:
        setattr(AssessmentForm, f"score_{criterion.id}", ScoreField(_l("Score for %(name)s", name=criterion.name)))
        setattr(AssessmentForm, f"comment_{criterion.id}", TextAreaField(
            _l("Kommentar til %(name)s", name=criterion.name),
            validators=[Length(max=5_000, message=_l("Kommentaren er for lang (højst 5.000 tegn)."))]))
    return AssessmentForm(**kwargs)

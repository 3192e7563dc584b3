"""Administration forms: staff, committees, letter settings, and shared field types."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, EmailField, IntegerField, SelectChoice, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, StopValidation

from app.main.template_helpers import ROLE_LABELS

CHOICE = _l("Vælg en af mulighederne på listen.")
ONE_OF = {"validate_choice": True, "invalid_choice_message": CHOICE}


class DanishIntegerField(IntegerField):
    """A whole number (negative allowed, so range checks can say what is wrong)."""

    def process_formdata(self, valuelist: list) -> None:
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0].strip())
            except ValueError:
                self.data = None
                raise ValueError(_l("Skriv et helt tal, fx 2.")) from None
        else:
            self.data = None

    def pre_validate(self, form) -> None:
        if self.process_errors:  # one clear message, not also the range check's
            raise StopValidation()


def optional_int(value: object) -> int | None:
    """Coerce for selects with a blank choice."""
    return int(value) if value not in (None, "", "None") else None


class StaffForm(FlaskForm):
    full_name = StringField(_l("Navn"), validators=[DataRequired(message=_l("Skriv navnet.")), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(message=_l("Skriv e-mailadressen.")),
        Email(message=_l("Skriv en gyldig e-mailadresse, fx navn@kommune.dk."), check_deliverability=False)])
    role = SelectField(_l("Rolle"), choices=[SelectChoice(r, ROLE_LABELS[r])
                                             for r in ("caseworker", "committee_member", "administrator")],
                       **ONE_OF)


class CommitteeForm(FlaskForm):
    name = StringField(_l("Udvalgets navn"), validators=[
        DataRequired(message=_l("Skriv udvalgets navn.")), Length(max=200, message=_l("Højst 200 tegn."))])
    description = TextAreaField(_l("Beskrivelse"), validators=[Length(max=2000, message=_l("Højst 2000 tegn."))])
    members = SelectMultipleField(_l("Medlemmer"), coerce=int, **ONE_OF)
    chair = SelectField(_l("Formand"), coerce=optional_int, validate_choice=False)


class LegalBasisForm(FlaskForm):
    name = StringField(_l("Lovgrundlag, som det står i brevet"), validators=[
        DataRequired(message=_l("Skriv lovgrundlaget, som det skal stå i brevet.")),
        Length(max=300, message=_l("Højst 300 tegn."))])
    appeal_text = TextAreaField(_l("Klagevejledning"), validators=[
        DataRequired(message=_l("Skriv klagevejledningen. Hver afgørelse skal have en (forvaltningsloven § 25).")),
        Length(max=5000, message=_l("Højst 5000 tegn."))])
    note = TextAreaField(_l("Hvornår bruges det?"), validators=[Length(max=2000, message=_l("Højst 2000 tegn."))])


class SettingsForm(FlaskForm):
    name = StringField(_l("Kommunens navn"), validators=[Length(max=200, message=_l("Højst 200 tegn."))])
    department = StringField(_l("Forvaltning eller afdeling"),
                             validators=[Length(max=200, message=_l("Højst 200 tegn."))])
    address = StringField(_l("Adresse"), validators=[Length(max=300, message=_l("Højst 300 tegn."))])
    email = EmailField(_l("E-mail til borgere og foreninger"), validators=[
        Optional(), Email(message=_l("Skriv en gyldig e-mailadresse, fx kultur@kommune.dk."),
                          check_deliverability=False), Length(max=254)])
    phone = StringField(_l("Telefon"), validators=[Length(max=40, message=_l("Højst 40 tegn."))])
    signature_lines = TextAreaField(_l("Underskrift i breve"), validators=[
        Length(max=1000, message=_l("Højst 1000 tegn."))])
    logo = FileField(_l("Logo (PNG eller JPEG, højst 2 MB)"))
    remove_logo = BooleanField(_l("Fjern det nuværende logo"))


SCOPE_LABELS = {
    "cases:read": _l("Læse sager (cases:read)"), "documents:read": _l("Hente dokumenter og breve (documents:read)"),
    "cases:write": _l("Sætte ESDH-journalnummer og tilføje indgående dokumenter (cases:write)"),
    "payouts:read": _l("Læse betalingsplaner og betalingsbatcher (payouts:read)"),
    "payouts:write": _l("Melde udbetalinger betalt eller fejlet (payouts:write)"),
    "bookings:read": _l("Læse bookinger og lokaler (bookings:read)"),
    "events:read": _l("Læse hændelser (events:read)"),
}


class ApiClientForm(FlaskForm):
    name = StringField(_l("Integrationens navn"), validators=[
        DataRequired(message=_l("Skriv integrationens navn.")), Length(max=120, message=_l("Højst 120 tegn."))])
    scopes = SelectMultipleField(_l("Adgang"), choices=[SelectChoice(k, v) for k, v in SCOPE_LABELS.items()],
                                 validators=[DataRequired(message=_l("Vælg mindst én adgang fra listen."))], **ONE_OF)
    rate_per_minute = DanishIntegerField(_l("Højst antal kald i minuttet"), default=120, validators=[
        InputRequired(message=_l("Skriv et helt tal, fx 120."))])


EVENT_TYPE_LABELS = {
    "case.submitted": _l("En ansøgning er indsendt (case.submitted)"),
    "case.decided": _l("Der er truffet afgørelse i en sag (case.decided)"),
    "letter.issued": _l("Et afgørelsesbrev er sendt (letter.issued)"),
    "payout.approved": _l("En udbetaling er godkendt (payout.approved)"),
    "booking.confirmed": _l("En booking er bekræftet (booking.confirmed)"),
}


class WebhookForm(FlaskForm):
    url = StringField(_l("Adresse (URL)"), validators=[
        DataRequired(message=_l("Skriv adressen, der skal modtage hændelserne.")),
        Length(max=500, message=_l("Højst 500 tegn."))])
    event_types = SelectMultipleField(_l("Hændelser"), choices=[SelectChoice(k, v) for k, v in EVENT_TYPE_LABELS.items()],
                                      validators=[DataRequired(message=_l("Vælg mindst én hændelse fra listen."))],
                                      **ONE_OF)

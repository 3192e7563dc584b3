"""Portal forms with Danish messages; conditional rules live in validate()."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, MultipleFileField, RadioField, SelectField, StringField, \
    TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp, ValidationError

from app.validators import cvr_check

CHILD_CERTIFICATE_TEXT = _l(
    "Vi erklærer, at foreningen indhenter børneattest for alle personer, der som led i foreningens aktiviteter "
    "har direkte kontakt med børn under 15 år – trænere, ledere, hjælpere og andre frivillige – jf. "
    "folkeoplysningslovens § 4, stk. 4, og reglerne om indhentelse af børneattest. Vi indhenter attesten, "
    "før personen begynder, og igen mindst hvert andet år.")
ROLE_CHOICES = [("member", _l("Bestyrelsesmedlem")), ("treasurer", _l("Kasserer")), ("chair", _l("Formand"))]
YES_NO = [("yes", _l("Ja")), ("no", _l("Nej"))]
INVALID_CHOICE = _l("Vælg en af mulighederne.")


def choices(pairs: list[tuple[str, object]]) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def website_check(form: FlaskForm, field) -> None:
    """A web address such as www.klub.dk or https://klub.dk (https:// is added when missing)."""
    value = (field.data or "").strip()
    if not value:
        return
    if not re.match(r"^https?://", value, re.I):
        value = "https://" + value
    if not re.fullmatch(r"https?://[^\s/]+\.[^\s/]{2,}(/\S*)?", value, re.I):
        raise ValidationError(_l("Skriv en webadresse, fx www.voresklub.dk."))
    field.data = value


EMAIL = [DataRequired(message=_l("Skriv en e-mailadresse.")),
         Email(message=_l("Skriv en gyldig e-mailadresse, fx navn@eksempel.dk."), check_deliverability=False),
         Length(max=254, message=_l("E-mailadressen er for lang."))]


class StrippedForm(FlaskForm):
    """Text fields arrive without leading and trailing spaces (a phone keyboard adds them)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class in (StringField, EmailField, TextAreaField):
                options = {**options, "filters": (*unbound_field.kwargs.get("filters", ()), _strip)}
            return unbound_field.bind(form=form, **options)


class RegisterAssociationForm(StrippedForm):

    kind = RadioField(_l("Hvad vil I registrere?"), default="association", choices=choices([
        ("association", _l("En forening med CVR-nummer")),
        ("informal", _l("En uformel gruppe uden CVR-nummer"))]), invalid_choice_message=INVALID_CHOICE,
        validators=[InputRequired(message=_l("Vælg forening eller uformel gruppe."))])
    cvr = StringField(_l("CVR-nummer"), validators=[Optional(), Length(max=20), cvr_check])
    contact_person = StringField(_l("Kontaktperson"), validators=[
        Optional(), Length(max=200, message=_l("Navnet er for langt."))])
    name = StringField(_l("Foreningens navn"), validators=[
        DataRequired(message=_l("Skriv foreningens navn.")), Length(max=200, message=_l("Navnet er for langt."))])
    street = StringField(_l("Adresse"), validators=[Optional(), Length(max=200, message=_l("Adressen er for lang."))])
    postcode = StringField(_l("Postnummer"), validators=[
        Optional(), Regexp(r"^\d{4}$", message=_l("Et postnummer har 4 cifre, fx 2730."))])
    city = StringField(_l("By"), validators=[Optional(), Length(max=100, message=_l("Bynavnet er for langt."))])
    contact_email = EmailField(_l("Foreningens e-mail"), validators=EMAIL)
    phone = StringField(_l("Telefon"), validators=[
        Optional(), Regexp(r"^\+?[0-9 ()-]{8,20}$", message=_l("Skriv et telefonnummer, fx 12 34 56 78."))])
    website = StringField(_l("Hjemmeside"), validators=[
        Optional(), Length(max=300, message=_l("Adressen er for lang.")), website_check])
    description = TextAreaField(_l("Hvad laver foreningen?"), validators=[
        DataRequired(message=_l("Skriv kort, hvad foreningen laver.")),
        Length(max=2000, message=_l("Skriv højst 2000 tegn."))])
    works_with_children = RadioField(_l("Har foreningen aktiviteter for børn under 15 år?"), choices=choices(YES_NO),
                                     invalid_choice_message=INVALID_CHOICE,
                                     validators=[InputRequired(message=_l("Vælg ja eller nej."))])
    declares_child_certificate = BooleanField(_l("Ja, vi afgiver erklæringen om børneattest"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        required = ([(self.contact_person, _l("Skriv navnet på gruppens kontaktperson."))]
                    if self.kind.data == "informal" else
                    [(self.cvr, _l("Skriv foreningens CVR-nummer.")), (self.street, _l("Skriv foreningens adresse.")),
                     (self.postcode, _l("Skriv postnummeret.")), (self.city, _l("Skriv byen."))])
        for field, message in required:
            if not field.data and not field.errors:
                field.errors = list(field.errors) + [message]
                ok = False
        return ok


class InviteForm(StrippedForm):
    email = EmailField(_l("E-mail på den, I vil invitere"), validators=EMAIL)
    role = SelectField(_l("Rolle"), choices=choices(ROLE_CHOICES), default="member",
                       invalid_choice_message=INVALID_CHOICE, validators=[InputRequired(message=INVALID_CHOICE)])


class RoleForm(FlaskForm):
    role = SelectField(_l("Rolle"), choices=choices(ROLE_CHOICES), invalid_choice_message=INVALID_CHOICE)


class ApprovalRequestForm(StrippedForm):
    message = TextAreaField(_l("Besked til kommunen"), validators=[
        Optional(), Length(max=2000, message=_l("Skriv højst 2000 tegn."))])


class DeclarationForm(FlaskForm):
    works_with_children = RadioField(_l("Har foreningen aktiviteter for børn under 15 år?"), choices=choices(YES_NO),
                                     invalid_choice_message=INVALID_CHOICE,
                                     validators=[InputRequired(message=_l("Vælg ja eller nej."))])
    declares = BooleanField(_l("Ja, vi afgiver erklæringen om børneattest"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.works_with_children.data == "yes" and not self.declares.data:
            self.declares.errors = list(self.declares.errors) + [
                _l("Sæt kryds for at afgive erklæringen. Foreninger med aktiviteter for børn skal afgive den.")]
            ok = False
        return ok


class ReplyForm(StrippedForm):
    version = HiddenField()
    text = TextAreaField(_l("Jeres svar"), validators=[
        DataRequired(message=_l("Skriv jeres svar til kommunen.")),
        Length(max=10000, message=_l("Skriv højst 10.000 tegn."))])
    files = MultipleFileField(_l("Filer"))


class DecisionNoteForm(StrippedForm):
    note = TextAreaField(_l("Begrundelse"), validators=[
        Optional(), Length(max=5000, message=_l("Skriv højst 5000 tegn."))])

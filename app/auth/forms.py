"""Account forms with Danish messages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.validators import password_strength

EMAIL_VALIDATORS = [
    DataRequired(message=_l("Skriv din e-mailadresse.")),
    Email(message=_l("Skriv en gyldig e-mailadresse, fx navn@eksempel.dk."), check_deliverability=False),
    Length(max=254, message=_l("E-mailadressen er for lang.")),
]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=EMAIL_VALIDATORS)
    password = PasswordField(_l("Adgangskode"), validators=[DataRequired(message=_l("Skriv din adgangskode."))])
    next = HiddenField()


class SignupForm(FlaskForm):
    full_name = StringField(_l("Dit fulde navn"), validators=[
        DataRequired(message=_l("Skriv dit navn.")), Length(max=200, message=_l("Navnet er for langt."))])
    email = EmailField(_l("E-mail"), validators=EMAIL_VALIDATORS)
    password = PasswordField(_l("Adgangskode"), validators=[
        DataRequired(message=_l("Vælg en adgangskode.")), password_strength])
    password_again = PasswordField(_l("Gentag adgangskode"), validators=[
        DataRequired(message=_l("Gentag adgangskoden.")),
        EqualTo("password", message=_l("De to adgangskoder er ikke ens."))])


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=EMAIL_VALIDATORS)


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Ny adgangskode"), validators=[
        DataRequired(message=_l("Vælg en adgangskode.")), password_strength])
    password_again = PasswordField(_l("Gentag ny adgangskode"), validators=[
        DataRequired(message=_l("Gentag adgangskoden.")),
        EqualTo("password", message=_l("De to adgangskoder er ikke ens."))])

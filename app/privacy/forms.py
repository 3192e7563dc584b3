"""Forms for account deletion and the staff look-ups, with Danish messages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length


class ConfirmDeletionForm(FlaskForm):
    """The owner ticks; one who logs in with MitID then confirms by logging in with MitID again."""

    understood = BooleanField(_l("Jeg forstår, at min bruger slettes og ikke kan gendannes"),
                              validators=[DataRequired(_l("Sæt kryds for at bekræfte."))])


class DeleteAccountForm(ConfirmDeletionForm):
    """The owner confirms with the password and a tick."""

    password = PasswordField(_l("Din adgangskode"), validators=[DataRequired(_l("Skriv din adgangskode."))])


class AssociationLookupForm(FlaskForm):
    """Caseworkers and administrators pick an association by its number or CVR."""

    association = StringField(_l("Foreningens nummer eller CVR-nummer"),
                              validators=[DataRequired(_l("Skriv foreningens nummer eller CVR-nummer.")),
                                          Length(max=20, message=_l("Højst 20 tegn."))])


class UserLookupForm(FlaskForm):
    """Administrators pick a user by e-mail address."""

    email = EmailField(_l("Brugerens e-mailadresse"),
                       validators=[DataRequired(_l("Skriv brugerens e-mailadresse.")),
                                   Email(_l("Skriv en gyldig e-mailadresse.")),
                                   Length(max=254, message=_l("Højst 254 tegn."))])


class RunRetentionForm(FlaskForm):
    """Only the CSRF token: running the job is one button."""

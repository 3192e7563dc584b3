"""Forms of the two-factor log-in step, with Danish messages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class CodeForm(FlaskForm):
    """One field for the app's 6 digits or a recovery code: people should not have to pick the right box."""

    code = StringField(_l("Kode"), validators=[DataRequired(message=_l("Skriv koden.")),
                                               Length(max=40, message=_l("Koden er for lang."))])


class SetupForm(FlaskForm):
    code = StringField(_l("Kode fra appen"), validators=[DataRequired(message=_l("Skriv den 6-cifrede kode fra appen.")),
                                                         Length(max=40, message=_l("Koden er for lang."))])

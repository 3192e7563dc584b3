"""Administration forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from app.main.template_helpers import ROLE_LABELS


class StaffForm(FlaskForm):
    full_name = StringField(_l("Navn"), validators=[DataRequired(message=_l("Skriv navnet.")), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(message=_l("Skriv e-mailadressen.")),
        Email(message=_l("Skriv en gyldig e-mailadresse, fx navn@kommune.dk."), check_deliverability=False)])
    role = SelectField(_l("Rolle"), choices=[(r, ROLE_LABELS[r]) for r in ("caseworker", "committee_member", "administrator")],
                       validate_choice=True)


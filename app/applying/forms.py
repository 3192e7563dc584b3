"""The start form: which of the member's associations applies."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Optional, ValidationError

from app.services.cases.contact_cpr import InvalidCpr, parse_cpr

CHOOSE = _l("Vælg den forening, der søger.")


class StartForm(FlaskForm):
    """Pick the association; the choices are the member's own associations, set by the view."""

    association_id = RadioField(_l("Hvilken forening søger?"), validate_choice=False,
                                validators=[DataRequired(message=CHOOSE)])

    def __init__(self, *args, associations=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.association_id.choices = [(str(a.id), a.name) for a in associations]

    def validate_association_id(self, field) -> None:
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError(CHOOSE)

    def chosen_id(self) -> int:
        """The chosen association's id (call after validate)."""
        return int(self.association_id.data)


class ContactCprForm(FlaskForm):
    """The informal group's contact person's CPR number for Digital Post (optional; checked by the service too)."""

    cpr = StringField(_l("Kontaktpersonens CPR-nummer"), validators=[Optional()])

    def validate_cpr(self, field) -> None:
        if (field.data or "").strip():
            try:
                parse_cpr(field.data)
            except InvalidCpr as exc:
                raise ValidationError(str(exc.message)) from None

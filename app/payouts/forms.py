"""Forms for payment batches."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from app.forms_runtime.fields import DanishDateField


class BatchForm(FlaskForm):
    due_by = DanishDateField(_l("Medtag rater med forfaldsdato til og med"),
                             validators=[InputRequired(message=_l("Skriv en dato som dd.mm.åååå, fx 24.12.2026."))])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class AnswerForm(FlaskForm):
    """The second person's answer to a batch under the to-mandsregel."""

    answer = TextAreaField(_l("Bemærkning"), validators=[Length(max=5_000, message=_l("Skriv højst 5.000 tegn."))])


class StatusFileForm(FlaskForm):
    """The finance system's payment status report (pain.002) for a batch."""

    status_file = FileField(_l("Betalingsstatus fra økonomisystemet (pain.002, XML)"))

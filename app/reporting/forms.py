"""Forms for the report, the caseworker's answer and repayment claims, with Danish messages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation

from app.forms_runtime.fields import DanishDateField, NumberField, WholeNumberField
from app.models.report import AGE_BANDS

MAX_PARTICIPANTS = 1_000_000
MAX_AMOUNT = 100_000_000


def at_most(limit: int, message):
    """A range check that stays silent when the number could not be read (that error is shown already)."""
    def check(form, field) -> None:
        if field.process_errors:
            raise StopValidation()
        if field.data is not None and field.data > limit:
            raise StopValidation(message)
    return check


def _text(label, message, limit: int = 5000):
    return TextAreaField(label, validators=[DataRequired(message=message),
                                            Length(max=limit, message=_l("Højst %(n)s tegn.", n=limit))])


class ReportForm(FlaskForm):
    version = HiddenField()
    activity_text = _text(_l("Hvad har I lavet for pengene?"), _l("Skriv, hvad I har lavet."))
    unused_amount = WholeNumberField(_l("Penge, der ikke er brugt, i kr."), validators=[
        Optional(), at_most(MAX_AMOUNT, _l("Beløbet er for stort."))])
    accounts = FileField(_l("Regnskab"))
    story_text = TextAreaField(_l("Jeres historie"), validators=[
        Optional(), Length(max=2000, message=_l("Højst %(n)s tegn.", n=2000))])
    story_consent = BooleanField(_l("Vi giver lov til, at kommunen offentliggør historien med foreningens navn"))


for _band, _label in AGE_BANDS:
    setattr(ReportForm, f"participants_{_band}", NumberField(_label, validators=[
        Optional(), at_most(MAX_PARTICIPANTS, _l("Tallet er for stort."))]))


class ReviewForm(FlaskForm):
    version = HiddenField()
    comment = TextAreaField(_l("Bemærkning til foreningen"), validators=[
        Optional(), Length(max=5000, message=_l("Højst %(n)s tegn.", n=5000))])


class ClaimForm(FlaskForm):
    amount = WholeNumberField(_l("Beløb, der skal betales tilbage, i kr."), validators=[
        InputRequired(message=_l("Skriv beløbet.")), at_most(MAX_AMOUNT, _l("Beløbet er for stort."))])
    reason = _text(_l("Begrundelse"), _l("Skriv, hvorfor pengene skal betales tilbage."))
    due_on = DanishDateField(_l("Betales senest"), validators=[
        InputRequired(message=_l("Skriv en dato som dd.mm.åååå, fx 24.12.2026."))])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""

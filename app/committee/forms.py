"""Forms for meetings, the committee's decisions and corrections, with Danish messages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.staff.fields import DanishDateField, KronerField

GRANT_CHOICES = [SelectChoice("grant", _l("Bevilg som indstillet")), SelectChoice("partly", _l("Bevilg et andet beløb")),
                 SelectChoice("reject", _l("Giv afslag")), SelectChoice("postpone", _l("Udsæt sagen"))]
PREMISES_CHOICES = [SelectChoice("grant", _l("Godkend")), SelectChoice("partly", _l("Godkend delvist")),
                    SelectChoice("reject", _l("Giv afslag")), SelectChoice("postpone", _l("Udsæt sagen"))]
REASON_MESSAGE = _l("Skriv en begrundelse: et afslag eller en delvis bevilling skal begrundes (forvaltningslovens § 22).")


class MeetingForm(FlaskForm):
    """Plan a meeting."""

    committee = SelectField(_l("Udvalg"), validate_choice=True, coerce=str,
                            validators=[DataRequired(message=_l("Vælg udvalget."))])
    meeting_date = DanishDateField(_l("Dato"), validators=[InputRequired(message=_l("Skriv mødets dato."))])
    title = StringField(_l("Titel"), default=_l("Ordinært møde"), validators=[
        DataRequired(message=_l("Skriv en titel.")), Length(max=200, message=_l("Skriv højst 200 tegn."))])
    location = StringField(_l("Sted"), validators=[Length(max=200, message=_l("Skriv højst 200 tegn."))])


class ProposalForm(FlaskForm):
    """What the committee decides on one case."""

    proposal = RadioField(_l("Beslutning"), choices=GRANT_CHOICES,
                          validators=[InputRequired(message=_l("Vælg en beslutning."))])
    amount = KronerField(_l("Beløb (kr.)"))
    reason = TextAreaField(_l("Begrundelse"), validators=[
        Length(max=20_000, message=_l("Begrundelsen er for lang (højst 20.000 tegn)."))])
    comment = TextAreaField(_l("Bemærkning til protokollen"), validators=[
        Length(max=5_000, message=_l("Bemærkningen er for lang (højst 5.000 tegn)."))])

    def validate_amount(self, field) -> None:
        if self.proposal.data == "partly" and getattr(self, "needs_amount", True) and field.data is None:
            raise ValidationError(_l("Skriv det beløb, udvalget bevilger."))

    def validate_reason(self, field) -> None:
        if self.proposal.data in ("partly", "reject") and not (field.data or "").strip():
            raise ValidationError(REASON_MESSAGE)


def proposal_form(case, **kwargs) -> ProposalForm:
    """The form for one agenda item, with the words of the case's workflow."""
    form = ProposalForm(prefix=f"punkt{kwargs.pop('item_id')}", **kwargs)
    premises = not case.is_grant
    form.proposal.choices = PREMISES_CHOICES if premises else GRANT_CHOICES
    form.needs_amount = not premises
    return form


class BatchConflictForm(FlaskForm):
    """A member declares inhabil towards one association in a calculated batch."""

    association_id = SelectField(_l("Forening"), coerce=lambda v: int(v) if v not in (None, "", "None") else None,
                                 validate_choice=True,
                                 validators=[DataRequired(message=_l("Vælg en af foreningerne i beregningen."))])
    reason = TextAreaField(_l("Hvorfor er du inhabil?"), validators=[
        DataRequired(message=_l("Skriv kort, hvorfor du er inhabil.")),
        Length(max=5_000, message=_l("Begrundelsen er for lang (højst 5.000 tegn)."))])


class ConflictForm(FlaskForm):
    """A member declares inhabil in one case."""

    reason = TextAreaField(_l("Hvorfor er du inhabil?"), validators=[
        DataRequired(message=_l("Skriv kort, hvorfor du er inhabil.")),
        Length(max=5_000, message=_l("Begrundelsen er for lang (højst 5.000 tegn)."))])


class CorrectionForm(FlaskForm):
    """Correct a decision: a new decision and a new letter."""

    note = TextAreaField(_l("Hvad er rettet, og hvorfor?"), validators=[
        DataRequired(message=_l("Skriv, hvad der er rettet, og hvorfor.")),
        Length(max=5_000, message=_l("Skriv højst 5.000 tegn."))])
    amount = KronerField(_l("Bevilget beløb (kr.)"))
    reason = TextAreaField(_l("Begrundelse"), validators=[
        Length(max=20_000, message=_l("Begrundelsen er for lang (højst 20.000 tegn)."))])


class ApprovalAnswerForm(FlaskForm):
    """The second person's answer to a proposal under the to-mandsregel (approve or reject)."""

    answer = TextAreaField(_l("Bemærkning"), validators=[
        Length(max=5_000, message=_l("Skriv højst 5.000 tegn."))])


BATCH_CHOICES = [SelectChoice("approve", _l("Godkend beregningen")), SelectChoice("postpone", _l("Udsæt beregningen"))]


class BatchProposalForm(FlaskForm):
    """The chair records the committee's answer on a calculated subsidy batch."""

    proposal = RadioField(_l("Beslutning"), choices=BATCH_CHOICES,
                          validators=[InputRequired(message=_l("Vælg en beslutning."))])

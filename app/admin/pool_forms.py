"""Forms for pools, their criteria and eligibility questions."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, FieldList, Form, FormField, RadioField, SelectChoice, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.admin.forms import ONE_OF, DanishIntegerField, optional_int
from app.forms_runtime.fields import DanishDateField, WholeNumberField
from app.models.pool import APPLICANT_KINDS

APPLICANT_LABELS = {"approved": _l("Kun godkendte folkeoplysende foreninger"),
                    "associations": _l("Alle foreninger"),
                    "informal": _l("Foreninger og uformelle grupper")}
MAX_ROUNDS = 6


def _max(n: int):
    return Length(max=n, message=_l("Højst %(n)s tegn.", n=n))


def _range(low: int, high: int, message):
    return NumberRange(min=low, max=high, message=message)


class PoolForm(FlaskForm):
    name = StringField(_l("Navn"), validators=[DataRequired(message=_l("Skriv puljens navn.")), _max(200)])
    slug = StringField(_l("Adresse på hjemmesiden"), validators=[Optional(), _max(120)])
    purpose = TextAreaField(_l("Formål"), validators=[DataRequired(message=_l("Skriv puljens formål.")), _max(5000)])
    committee_id = SelectField(_l("Udvalg, der afgør sagerne"), coerce=int, **ONE_OF)
    workflow = SelectField(_l("Sagsgang"), **ONE_OF)
    applicants = RadioField(_l("Hvem kan søge?"), default="associations", **ONE_OF,
                            choices=[SelectChoice(k, APPLICANT_LABELS[k]) for k in APPLICANT_KINDS])
    year = DanishIntegerField(_l("År"), validators=[InputRequired(message=_l("Skriv året.")),
                                                   _range(2000, 2100, _l("Skriv et år mellem 2000 og 2100."))])
    budget = WholeNumberField(_l("Budget for året i kr."), validators=[InputRequired(message=_l("Skriv budgettet."))])
    opens_on = DanishDateField(_l("Puljen åbner"), validators=[Optional()])
    deadline_mode = RadioField(_l("Frister"), default="rounds", **ONE_OF, choices=[
        SelectChoice("rounds", _l("Faste ansøgningsrunder med frister")),
        SelectChoice("rolling", _l("Løbende ansøgning (ingen frist)"))])
    deadlines = FieldList(DanishDateField(_l("Frist"), validators=[Optional()]), label=_l("Ansøgningsfrister"),
                          min_entries=MAX_ROUNDS,
                          max_entries=MAX_ROUNDS)
    accepts_late = BooleanField(_l("Ansøgninger efter fristen kan behandles"))
    late_reduction_per_month = DanishIntegerField(_l("Nedsættelse pr. påbegyndt måned for sent, i tolvtedele"),
                                                  default=0, validators=[Optional(), _range(
                                                      0, 12, _l("Skriv et tal fra 0 til 12."))])
    delegation_limit = WholeNumberField(_l("Delegationsgrænse i kr."), validators=[Optional()])
    fast_track_limit = WholeNumberField(_l("Grænse for hurtig behandling i kr."), validators=[Optional()])
    reply_days = DanishIntegerField(_l("Svarfrist på anmodninger om oplysninger, i dage"), default=14, validators=[
        InputRequired(message=_l("Skriv svarfristen.")), _range(1, 365, _l("Skriv et antal dage fra 1 til 365."))])
    report_due_days = DanishIntegerField(_l("Afrapportering senest, i dage efter bevilling"), validators=[
        Optional(), _range(1, 3650, _l("Skriv et antal dage fra 1 til 3650."))])
    payment_mode = RadioField(_l("Udbetaling"), default="single", **ONE_OF, choices=[
        SelectChoice("single", _l("Én udbetaling")), SelectChoice("instalments", _l("I rater"))])
    instalment_count = DanishIntegerField(_l("Antal rater"), validators=[Optional()])
    instalment_interval = DanishIntegerField(_l("Måneder mellem raterne"), default=1, validators=[
        Optional(), _range(1, 12, _l("Skriv et antal måneder fra 1 til 12."))])
    advance_allowed = BooleanField(_l("Tilskuddet kan udbetales forud"))
    rules_text = TextAreaField(_l("Regler og vejledning"), validators=[_max(20000)])
    legal_basis_id = SelectField(_l("Lovgrundlag og klagevejledning"), coerce=optional_int, **ONE_OF,
                                 validators=[DataRequired(message=_l("Vælg puljens lovgrundlag."))])
    requires_approval = BooleanField(_l("Foreningen skal være godkendt som folkeoplysende forening"))
    requires_child_certificate = BooleanField(_l("Børneattest-erklæring kræves"))
    digital_post_to_cpr = BooleanField(_l("Afgørelser til uformelle grupper må sendes med Digital Post til "
                                          "kontaktpersonens CPR-nummer"))
    kle_number = StringField(_l("KLE-nummer"), validators=[Optional(), _max(20)])
    kle_facet = StringField(_l("Handlingsfacet"), validators=[Optional(), _max(10)])
    account_code = StringField(_l("Konto (artskonto eller kontostreng)"), validators=[Optional(), _max(40)])
    cost_centre = StringField(_l("Omkostningssted"), validators=[Optional(), _max(20)])
    psp_element = StringField(_l("PSP-element"), validators=[Optional(), _max(40)])


class CriterionForm(FlaskForm):
    name = StringField(_l("Kriterium"), validators=[DataRequired(message=_l("Skriv kriteriets navn.")), _max(200)])
    description = TextAreaField(_l("Forklaring til ansøgerne"), validators=[_max(2000)])
    weight = DanishIntegerField(_l("Vægt"), default=1, validators=[
        InputRequired(message=_l("Skriv en vægt.")),
        _range(1, 100, _l("Vægten skal være et helt tal større end 0 (højst 100)."))])


class QuestionForm(Form):
    text = StringField(_l("Spørgsmål"), validators=[_max(300)])
    qualifying_answer = RadioField(_l("Svaret, der betyder, at man kan søge"), default="yes", **ONE_OF,
                                   choices=[SelectChoice("yes", _l("Ja")), SelectChoice("no", _l("Nej"))])
    explanation = TextAreaField(_l("Forklaring, når svaret ikke passer"), validators=[_max(500)])


class QuestionsForm(FlaskForm):
    questions = FieldList(FormField(QuestionForm), label=_l("Spørgsmål"), min_entries=4, max_entries=4)

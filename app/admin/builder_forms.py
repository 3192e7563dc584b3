"""Forms for the form builder: steps and fields."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.admin.forms import ONE_OF, optional_int
from app.forms_runtime.view import KIND_LABELS
from app.models.form import FIELD_KINDS


class StepForm(FlaskForm):
    title = StringField(_l("Trinnets overskrift"), validators=[
        DataRequired(message=_l("Skriv en overskrift.")), Length(max=200, message=_l("Højst 200 tegn."))])
    intro = TextAreaField(_l("Kort introduktion"), validators=[Length(max=2000, message=_l("Højst 2000 tegn."))])


class FieldForm(FlaskForm):
    label = StringField(_l("Spørgsmål eller ledetekst"), validators=[
        DataRequired(message=_l("Skriv feltets ledetekst.")), Length(max=200, message=_l("Højst 200 tegn."))])
    kind = SelectField(_l("Felttype"), **ONE_OF,
                       choices=[SelectChoice(k, KIND_LABELS[k]) for k in FIELD_KINDS])
    required = BooleanField(_l("Skal udfyldes"))
    help_text = TextAreaField(_l("Hjælpetekst"), validators=[Length(max=1000, message=_l("Højst 1000 tegn."))])
    choices = TextAreaField(_l("Svarmuligheder (én pr. linje)"), validators=[
        Length(max=5000, message=_l("Højst 5000 tegn."))])
    condition = SelectField(_l("Vis kun feltet, når"), **ONE_OF)
    step_id = SelectField(_l("Trin"), coerce=optional_int, validate_choice=False)

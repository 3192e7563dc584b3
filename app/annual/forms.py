"""Forms for the annual report, the caseworker's answers and the campaigns, with Danish messages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.forms_runtime.fields import DanishDateField
from app.forms_runtime.validate import MESSAGES
from app.forms_runtime.values import parse_amount
from app.models.yearly import COST_TYPES, MEMBER_BANDS, RESIDENCES
from app.services.yearly import campaigns, reports

LONG = Length(max=5000, message=_l("Højst %(n)s tegn.", n=5000))
SHORT = Length(max=200, message=_l("Højst %(n)s tegn.", n=200))


class IntegerField(StringField):
    """A whole number that may be negative ('-1.200' is -1200): the service says why a negative is wrong."""

    def process_formdata(self, valuelist: list) -> None:
        if not valuelist:
            return
        self.raw, self.data = valuelist[0], None
        text = self.raw.strip().replace("\u2212", "-")
        negative = text.startswith("-")
        try:
            value = parse_amount(text[1:].strip() if negative else text)
        except ValueError:
            raise ValueError(MESSAGES["number"]) from None
        self.data = None if value is None else (-value if negative else value)

    def _value(self) -> str:
        if getattr(self, "raw", None) is not None:
            return self.raw
        return "" if self.data is None else str(self.data)


class ReportForm(FlaskForm):
    version = HiddenField()
    paying_members = IntegerField(_l("Betalende medlemmer"))
    fee_income = IntegerField(_l("Kontingentindtægter i kr."))
    accounts_income = IntegerField(_l("Indtægter i alt i kr."))
    accounts_expenses = IntegerField(_l("Udgifter i alt i kr."))
    accounts_result = IntegerField(_l("Årets resultat i kr."))
    accounts_approved_on = DanishDateField(_l("Bestyrelsen godkendte regnskabet den"))
    accounts_file = FileField(_l("Regnskabet (PDF)"))
    auditor_file = FileField(_l("Revisorens erklæring (PDF)"))
    statutes_changed = BooleanField(_l("Vi har ændret vedtægterne"))
    statutes_file = FileField(_l("De nye vedtægter (PDF)"))
    board_changes = TextAreaField(_l("Ændringer i bestyrelsen"), validators=[Optional(), LONG])
    answer = TextAreaField(_l("Jeres svar på kommunens spørgsmål"), validators=[Optional(), LONG])


for _band, _band_label in MEMBER_BANDS:
    for _where, _where_label in RESIDENCES:
        setattr(ReportForm, reports.member_field(_band, _where),
                IntegerField(_l("%(band)s, %(where)s", band=_band_label, where=_where_label)))
for _type, _type_label in COST_TYPES:
    setattr(ReportForm, f"cost_{_type}", IntegerField(_l("%(cost)s i kr.", cost=_type_label)))
for _i in range(reports.ACTIVITY_ROWS):
    setattr(ReportForm, f"activity_{_i}_name", StringField(_l("Aktivitet %(n)s: navn", n=_i + 1),
                                                           validators=[Optional(), SHORT]))
    setattr(ReportForm, f"activity_{_i}_hours", IntegerField(_l("Aktivitet %(n)s: timer i året", n=_i + 1)))
    setattr(ReportForm, f"activity_{_i}_premises", StringField(_l("Aktivitet %(n)s: lokale", n=_i + 1),
                                                               validators=[Optional(), SHORT]))


def report_input(form: ReportForm) -> reports.ReportInput:
    """What the board typed, for the service."""
    value = lambda name: form[name].data  # noqa: E731
    return reports.ReportInput(
        members={b: {w: value(reports.member_field(b, w)) for w, _w in RESIDENCES} for b, _b in MEMBER_BANDS},
        paying_members=value("paying_members"), fee_income=value("fee_income"),
        activities=tuple({"name": (value(f"activity_{i}_name") or "").strip(), "hours": value(f"activity_{i}_hours"),
                          "premises": value(f"activity_{i}_premises") or ""} for i in range(reports.ACTIVITY_ROWS)),
        premises_costs={c: value(f"cost_{c}") for c, _c in COST_TYPES},
        accounts_income=value("accounts_income"), accounts_expenses=value("accounts_expenses"),
        accounts_result=value("accounts_result"), accounts_approved_on=value("accounts_approved_on"),
        statutes_changed=bool(value("statutes_changed")), board_changes=value("board_changes") or "",
        answer=value("answer") or "")


def fill(form: ReportForm, report) -> None:
    """Show the saved report in the form (GET)."""
    for b, _b in MEMBER_BANDS:
        for w, _w in RESIDENCES:
            form[reports.member_field(b, w)].data = report.member_count(b, w)
    for name in ("paying_members", "fee_income", "accounts_income", "accounts_expenses", "accounts_result",
                 "accounts_approved_on", "statutes_changed", "board_changes", "answer"):
        form[name].data = getattr(report, name)
    for c, _c in COST_TYPES:
        form[f"cost_{c}"].data = (report.premises_costs or {}).get(c)
    for i, activity in enumerate((report.activities or [])[:reports.ACTIVITY_ROWS]):
        form[f"activity_{i}_name"].data = activity.get("name")
        form[f"activity_{i}_hours"].data = activity.get("hours")
        form[f"activity_{i}_premises"].data = activity.get("premises")


class QuestionForm(FlaskForm):
    version = HiddenField()
    question = TextAreaField(_l("Spørgsmål til foreningen"), validators=[
        InputRequired(message=_l("Skriv spørgsmålet til foreningen.")), LONG])


class ConflictForm(FlaskForm):
    reason = TextAreaField(_l("Hvorfor er du inhabil?"), validators=[
        InputRequired(message=_l("Skriv kort, hvorfor du er inhabil.")), LONG])


class ApproveForm(FlaskForm):
    version = HiddenField()
    note = TextAreaField(_l("Bemærkning til foreningen"), validators=[Optional(), LONG])


class CampaignForm(FlaskForm):
    """The campaign's dates and introduction (its year is fixed once opened: reports point at it)."""

    opens_on = DanishDateField(_l("Åbner den"), validators=[InputRequired(message=MESSAGES["date"])])
    deadline = DanishDateField(_l("Frist"), validators=[InputRequired(message=MESSAGES["date"])])
    intro = TextAreaField(_l("Introduktion til foreningerne"), validators=[Optional(), LONG])

    def to_input(self, year: int) -> campaigns.CampaignInput:
        return campaigns.CampaignInput(year=year, opens_on=self.opens_on.data, deadline=self.deadline.data,
                                       intro=self.intro.data or "")


class NewCampaignForm(CampaignForm):
    year = IntegerField(_l("Tilskudsår"), validators=[InputRequired(message=_l("Skriv tilskudsåret, fx 2027."))])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""

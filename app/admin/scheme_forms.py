"""The subsidy scheme editor's form: the scheme and its formula as real fields.

Every formula field is read as typed and checked by formula.parse (services/yearly/schemes.py), so each message
comes from the formula's own MESSAGES and nothing typed is lost on an error.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length

from app.admin.forms import optional_int
from app.models.yearly import COST_TYPES, MEMBER_BANDS

KIND_LABELS = {"activity": _l("Aktivitetstilskud"), "premises": _l("Lokaletilskud")}
BASIS_LABELS = {"per_member": _l("Et beløb pr. medlem"),
                "points": _l("Point pr. medlem efter alder"),
                "cost_share": _l("En procentdel af udgifterne til lokaler (§ 25)")}
POINT_VALUE_LABELS = {"fixed": _l("Fast beløb pr. point (satsen)"),
                      "budget_share": _l("Budgettet delt med alle foreningers point")}
FREE = {"validate_choice": False}  # the formula's own check says what is wrong
THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


class SchemeForm(FlaskForm):
    name = StringField(_l("Navn"), validators=[Length(max=200, message=_l("Højst %(n)s tegn.", n=200))])
    kind = RadioField(_l("Slags tilskud"), choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()], **FREE)
    campaign_id = SelectField(_l("Årlig indberetning, der regnes på"), coerce=optional_int, **FREE)
    pool_id = SelectField(_l("Pulje (budget, udvalg og lovgrundlag)"), coerce=optional_int, **FREE)
    basis = RadioField(_l("Tilskuddet beregnes som"), choices=[SelectChoice(k, v) for k, v in BASIS_LABELS.items()],
                       **FREE)
    rate = StringField(_l("Sats i kr. (pr. medlem eller pr. point)"))
    bands = SelectMultipleField(_l("Aldersgrupper, der tæller med"), choices=[SelectChoice(k, v) for k, v in MEMBER_BANDS],
                               **FREE)
    count_nonresidents = BooleanField(_l("Medlemmer, der bor uden for kommunen, tæller også med"))
    points_0_6 = StringField(_l("Point for %(band)s", band=MEMBER_BANDS[0][1]))
    points_7_12 = StringField(_l("Point for %(band)s", band=MEMBER_BANDS[1][1]))
    points_13_17 = StringField(_l("Point for %(band)s", band=MEMBER_BANDS[2][1]))
    points_18_24 = StringField(_l("Point for %(band)s", band=MEMBER_BANDS[3][1]))
    points_25_59 = StringField(_l("Point for %(band)s", band=MEMBER_BANDS[4][1]))
    points_60_plus = StringField(_l("Point for %(band)s", band=MEMBER_BANDS[5][1]))
    point_value = RadioField(_l("Pointværdi"), choices=[SelectChoice(k, v) for k, v in POINT_VALUE_LABELS.items()],
                             default="fixed", **FREE)
    cost_percent = StringField(_l("Procent af udgifterne"), default="65")
    cost_types = SelectMultipleField(_l("Udgifter, der giver tilskud"), choices=[SelectChoice(k, v) for k, v in COST_TYPES],
                                    **FREE)
    cap_fee_income = BooleanField(_l("Tilskuddet kan ikke overstige foreningens kontingentindtægt"))
    cap_per_member = StringField(_l("Loft pr. medlem i kr."))
    cap_per_hour = StringField(_l("Loft pr. aktivitetstime i kr."))
    over25_threshold = StringField(_l("Nedsæt, når medlemmer over 25 år er mere end (procent)"))
    late_twelfths = StringField(_l("Fradrag for sen indberetning, i tolvtedele pr. påbegyndt måned"), default="0")
    minimum_fee = StringField(_l("Mindstekontingent pr. betalende medlem i kr."))

    def points_fields(self) -> list:
        return [self[f"points_{band}"] for band, _label in MEMBER_BANDS]

    def formula_json(self) -> dict:
        """The formula as typed, for formula.parse (Danish thousands separators and 'kr.'/'%' removed)."""
        return {"basis": self.basis.data, "rate": _text(self.rate.data), "bands": list(self.bands.data or []),
                "count_nonresidents": bool(self.count_nonresidents.data),
                "points": {band: _text(self[f"points_{band}"].data) for band, _label in MEMBER_BANDS},
                "point_value": self.point_value.data, "cost_percent": _text(self.cost_percent.data),
                "cost_types": list(self.cost_types.data or []), "cap_fee_income": bool(self.cap_fee_income.data),
                "cap_per_member": _text(self.cap_per_member.data), "cap_per_hour": _text(self.cap_per_hour.data),
                "over25_threshold": _text(self.over25_threshold.data), "late_twelfths": _text(self.late_twelfths.data),
                "minimum_fee": _text(self.minimum_fee.data)}

    def error_field(self, name: str):
        """The field that shows a problem: the formula's points are one problem for the group of six."""
        return self.points_0_6 if name == "points" else self._fields.get(name)


def _text(value: str | None) -> str:
    text = (value or "").strip()
    for suffix in ("kr.", "kr", "%"):
        if text.lower().endswith(suffix):
            text = text[:-len(suffix)].strip()
    return text.replace(".", "") if THOUSANDS.match(text) else text


def form_data(scheme) -> dict:
    """A stored scheme as the form's initial data."""
    f = scheme.formula or {}
    data = {"name": scheme.name, "kind": scheme.kind, "campaign_id": scheme.campaign_id, "pool_id": scheme.pool_id,
            "basis": f.get("basis"), "rate": _shown(f.get("rate")), "bands": f.get("bands") or [],
            "count_nonresidents": f.get("count_nonresidents"), "point_value": f.get("point_value") or "fixed",
            "cost_percent": _shown(f.get("cost_percent")), "cost_types": f.get("cost_types") or [],
            "cap_fee_income": f.get("cap_fee_income"), "cap_per_member": _shown(f.get("cap_per_member")),
            "cap_per_hour": _shown(f.get("cap_per_hour")), "over25_threshold": _shown(f.get("over25_threshold")),
            "late_twelfths": _shown(f.get("late_twelfths")), "minimum_fee": _shown(f.get("minimum_fee"))}
    data.update({f"points_{band}": _shown((f.get("points") or {}).get(band) or None) for band, _label in MEMBER_BANDS})
    return data


def _shown(value) -> str:
    return "" if value is None else str(value)

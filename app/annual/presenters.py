"""Words for the annual report's states, and the facts its pages show (late, the deduction rule)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l, ngettext

from app import clock
from app.models.yearly import AnnualReport, ReportingCampaign
from app.services.yearly import reports
from app.services.yearly.formula import started_months_late

MEMBER_STATUS = {"draft": _l("Kladde – ikke sendt"), "submitted": _l("Sendt – kommunen behandler den"),
                 "questioned": _l("Kommunen har et spørgsmål – svar og send igen"), "approved": _l("Godkendt")}
STAFF_STATUS = {"draft": _l("Kladde"), "submitted": _l("Til behandling"),
                "questioned": _l("Venter på foreningens svar"), "approved": _l("Godkendt")}
STATUS_BADGE = {"draft": "badge-info", "submitted": "badge-warning", "questioned": "badge-warning",
                "approved": "badge-success"}


@dataclass(frozen=True)
class Lateness:
    """How late a report is, and what the municipality's rule does to the subsidy."""

    months: int
    twelfths: int

    @property
    def text(self) -> str:
        months = ngettext("%(num)s påbegyndt måned", "%(num)s påbegyndte måneder", self.months)
        if self.twelfths:
            return str(_l("Indberetningen er %(months)s for sent. Efter kommunens regel bliver tilskuddet sat ned med "
                          "%(twelfths)s/12 for hver påbegyndt måned efter fristen.", months=months,
                          twelfths=self.twelfths))
        return str(_l("Indberetningen er %(months)s for sent. Efter kommunens regler kan en sen indberetning give "
                      "mindre i tilskud.", months=months))


def lateness(campaign: ReportingCampaign, report: AnnualReport | None) -> Lateness | None:
    """None when on time (or not due yet); the months count as of today until the report is sent."""
    months = reports.months_late(report) if report is not None else started_months_late(campaign.deadline,
                                                                                         clock.today())
    return Lateness(months, reports.late_twelfths(campaign)) if months else None


def year_heading(campaign: ReportingCampaign) -> str:
    """'Indberetning for tilskudsåret 2027 – tal for 2026'."""
    return str(_l("Indberetning for tilskudsåret %(year)s – tal for %(accounts)s", year=campaign.year,
                  accounts=campaign.year - 1))

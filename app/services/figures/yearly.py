"""Indicators of the yearly cycle: members reached by age band, calculated subsidy per member and per hour.

Per campaign year (the activity year the associations report on): the reports sent in, the members of the
approved reports by age band and residence, their activity hours, and the calculated subsidy granted (cases
of the yearly_subsidy workflow, reached through their batch line, batch, scheme and campaign). Every figure is
a SQL aggregate with one GROUP BY per measure: the member counts and hours live in the reports' JSON, read
with JSON path expressions on both SQLite (json_extract, json_each) and PostgreSQL (#>>, json_array_elements).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Numeric, and_, case, cast, func, true

from app.extensions import db
from app.models import Case
from app.models.yearly import (MEMBER_BANDS, RESIDENCES, UNDER_25, AnnualReport, ReportingCampaign, SubsidyBatch,
                               SubsidyBatchLine, SubsidyScheme)
from workflows import registry

BANDS = tuple(code for code, _label in MEMBER_BANDS)
WHERE = tuple(code for code, _label in RESIDENCES)
APPROVED = "approved"


def _is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


@dataclass
class YearRow:
    """One campaign year's figures; `previous` is the year before (for the change), when there was one."""

    year: int
    reports: int = 0  # reports sent in (anything but a draft)
    approved: int = 0  # approved reports: the associations the member figures count
    members: dict[tuple[str, str], int] = field(default_factory=dict)  # (band, "in"/"out") -> members
    activity_hours: int = 0
    granted: dict[str, int] = field(default_factory=dict)  # scheme kind ("activity", "premises") -> kroner
    associations_granted: int = 0
    previous: YearRow | None = field(default=None, repr=False)

    def band(self, band: str, where: str | None = None) -> int:
        """Members in one age band, living in ("in") or outside ("out") the municipality, or both (None)."""
        return sum(self.members.get((band, w), 0) for w in WHERE if where in (None, w))

    def residents(self, where: str) -> int:
        return sum(self.band(b, where) for b in BANDS)

    @property
    def total_members(self) -> int:
        return sum(self.band(b) for b in BANDS)

    @property
    def under_25(self) -> int:
        return sum(self.band(b) for b in UNDER_25)

    @property
    def total_granted(self) -> int:
        return sum(self.granted.values())

    @property
    def per_member_under_25(self) -> float | None:
        """All calculated subsidy of the year divided by the members under 25 of the approved reports."""
        return self.total_granted / self.under_25 if self.under_25 and self.total_granted else None

    @property
    def per_activity_hour(self) -> float | None:
        """All calculated subsidy of the year divided by the approved reports' activity hours."""
        return self.total_granted / self.activity_hours if self.activity_hours and self.total_granted else None

    def change(self, measure: str) -> float | None:
        """The change from the year before in per cent (None: no year before, or nothing to compare with)."""
        if self.previous is None:
            return None
        return _percent(getattr(self, measure), getattr(self.previous, measure))

    def band_change(self, band: str) -> float | None:
        """The change in one age band's members from the year before, in per cent."""
        return None if self.previous is None else _percent(self.band(band), self.previous.band(band))


def _percent(now: float | None, before: float | None) -> float | None:
    return None if now is None or not before else (now - before) / before * 100


def _member_sum(band: str, where: str):
    """SQL: the sum of one (band, residence) count over the approved reports of the group."""
    count = AnnualReport.members[(band, where)].as_integer()
    return func.coalesce(func.sum(case((AnnualReport.status == APPROVED, count), else_=0)), 0)


def _years(first: int, last: int):
    return and_(ReportingCampaign.year >= first, ReportingCampaign.year <= last)


def _report_figures(first: int, last: int) -> dict[int, tuple]:
    """year -> (reports sent in, approved, {(band, where): members}): one GROUP BY."""
    cells = [(b, w) for b in BANDS for w in WHERE]
    stmt = (db.select(ReportingCampaign.year,
                      func.count(AnnualReport.id).label("reports"),
                      func.coalesce(func.sum(case((AnnualReport.status == APPROVED, 1), else_=0)), 0),
                      *[_member_sum(b, w) for b, w in cells])
            .join(AnnualReport, AnnualReport.campaign_id == ReportingCampaign.id)
            .where(_years(first, last), AnnualReport.status != "draft")
            .group_by(ReportingCampaign.year))
    out = {}
    for year, reports, approved, *counts in db.session.execute(stmt):
        out[year] = (int(reports), int(approved), {cell: int(n or 0) for cell, n in zip(cells, counts)})
    return out


def _hours(first: int, last: int) -> dict[int, int]:
    """year -> the approved reports' activity hours, summed over each report's activities: one GROUP BY."""
    if _is_postgres():
        activity = func.json_array_elements(AnnualReport.activities).table_valued("value").alias("activity")
        hours = cast(func.json_extract_path_text(activity.c.value, "hours"), Numeric)
    else:
        activity = func.json_each(AnnualReport.activities).table_valued("value").alias("activity")
        hours = func.json_extract(activity.c.value, "$.hours")
    stmt = (db.select(ReportingCampaign.year, func.coalesce(func.sum(hours), 0))
            .select_from(ReportingCampaign)
            .join(AnnualReport, AnnualReport.campaign_id == ReportingCampaign.id)
            .join(activity, true())
            .where(_years(first, last), AnnualReport.status == APPROVED)
            .group_by(ReportingCampaign.year))
    return {year: int(round(float(total or 0))) for year, total in db.session.execute(stmt)}


def _granted_cases(*columns):
    """Decided yearly_subsidy cases with a grant, reached through batch line, batch and scheme to the campaign."""
    return (db.select(*columns).select_from(Case)
            .join(SubsidyBatchLine, SubsidyBatchLine.case_id == Case.id)
            .join(SubsidyBatch, SubsidyBatch.id == SubsidyBatchLine.batch_id)
            .join(SubsidyScheme, SubsidyScheme.id == SubsidyBatch.scheme_id)
            .join(ReportingCampaign, ReportingCampaign.id == SubsidyScheme.campaign_id)
            .where(Case.workflow == registry.YEARLY_SUBSIDY, Case.decided_at.is_not(None), Case.granted_amount > 0,
                   SubsidyBatch.settles_batch_id.is_(None)))  # a settlement's line names the same case again


def _granted(first: int, last: int) -> dict[int, dict[str, int]]:
    """year -> {scheme kind: kroner granted}: one GROUP BY."""
    stmt = _granted_cases(ReportingCampaign.year, SubsidyScheme.kind, func.sum(Case.granted_amount)) \
        .where(_years(first, last)).group_by(ReportingCampaign.year, SubsidyScheme.kind)
    out: dict[int, dict[str, int]] = {}
    for year, kind, amount in db.session.execute(stmt):
        out.setdefault(year, {})[kind] = int(amount or 0)
    return out


def _associations_granted(first: int, last: int) -> dict[int, int]:
    """year -> associations granted a calculated subsidy (one granted both counts once): one GROUP BY."""
    stmt = _granted_cases(ReportingCampaign.year, func.count(func.distinct(Case.association_id))) \
        .where(_years(first, last)).group_by(ReportingCampaign.year)
    return {year: int(n) for year, n in db.session.execute(stmt)}


def year_rows(last: int, years: int = 5) -> list[YearRow]:
    """The campaign years up to `last` (at most `years` of them, oldest first) that have reports or subsidy."""
    first = last - years  # one more year than shown: the first shown year's change needs its year before
    reports, hours, granted = _report_figures(first, last), _hours(first, last), _granted(first, last)
    associations = _associations_granted(first, last)
    rows: dict[int, YearRow] = {}
    for year in sorted(set(reports) | set(granted)):
        sent, approved, members = reports.get(year, (0, 0, {}))
        rows[year] = YearRow(year, sent, approved, members, hours.get(year, 0), granted.get(year, {}),
                             associations.get(year, 0), previous=rows.get(year - 1))
    return [row for year, row in rows.items() if year > first]

"""A known yearly cycle for the indicators: two campaign years, four associations, two schemes a year.

Hand count (approved reports only; drafts are not reports, a submitted report is sent in but not counted):

2025: reports sent in 3 (X, Y approved; Z submitted), approved 2.
      0-6: 5 in + 1 out = 6 · 7-12: 30 + 2 = 32 · 13-17: 4 · 18-24: 2 + 1 = 3 · 25-59: 9 + 1 = 10 · 60+: 1
      members 56, under 25: 45, activity hours 100 + 50 + 200 = 350.
      activity scheme: X 9,000 + Y 13,500 = 22,500; premises: X 4,000 (its line said 5,000: the grant was
      corrected, the case counts) and Y undecided (not counted) -> 26,500 kr., 2 associations.
      per member under 25 = 26,500 / 45 = 588.89; per hour = 26,500 / 350 = 75.71.
2026: reports 3, approved 3.
      0-6: 4 + 3 = 7 · 7-12: 37 + 1 = 38 · 13-17: 8 + 2 = 10 · 18-24: 3 · 25-59: 5 · 60+: 2
      members 65, under 25: 58, hours 180 + 120 + 100 = 400.
      activity: X 10,000 + Y 14,000 + Z 3,000 = 27,000; premises: Y 8,000 -> 35,000 kr., 3 associations.
      per member = 35,000 / 58 = 603.45; per hour = 87.50.
      change: under 25 +28.89 %, granted +32.08 %, per hour +15.57 %.
2027: only a draft: no row.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from app.extensions import db
from app.models.yearly import AnnualReport, ReportingCampaign, SubsidyBatch, SubsidyBatchLine, SubsidyScheme
from tests.factories import AssociationFactory, CaseFactory, CommitteeFactory, PoolFactory

AT = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)


def members(**bands) -> dict:
    """members(b0_6=(5, 1), b25_59=(6, 0)) -> {"0_6": {"in": 5, "out": 1}, "25_59": {"in": 6, "out": 0}}."""
    return {band[1:]: {"in": inside, "out": outside} for band, (inside, outside) in bands.items()}


def report(campaign, association, status: str, people: dict, hours: tuple = ()) -> AnnualReport:
    sent = None if status == "draft" else AT
    row = AnnualReport(campaign=campaign, association=association, status=status, members=people,
                       activities=[{"name": f"Aktivitet {i}", "hours": h} for i, h in enumerate(hours)],
                       submitted_at=sent, approved_at=AT if status == "approved" else None)
    db.session.add(row)
    return row


class YearlyData:
    def __init__(self) -> None:
        committee = CommitteeFactory(name="Folkeoplysningsudvalget")
        self.x, self.y = AssociationFactory(name="X-klubben"), AssociationFactory(name="Y-klubben")
        self.z, self.w = AssociationFactory(name="Z-klubben"), AssociationFactory(name="W-klubben")
        c25, c26, c27 = (ReportingCampaign(year=y, opens_on=date(y + 1, 1, 1), deadline=date(y + 1, 3, 1))
                         for y in (2025, 2026, 2027))
        db.session.add_all([c25, c26, c27])
        r = {}
        r["x25"] = report(c25, self.x, "approved", members(b0_6=(5, 1), b7_12=(10, 0), b13_17=(4, 0), b18_24=(2, 1),
                                                            b25_59=(6, 0), b60_plus=(1, 0)), (100, 50))
        r["y25"] = report(c25, self.y, "approved", members(b7_12=(20, 2), b25_59=(3, 1)), (200,))
        report(c25, self.z, "submitted", members(b7_12=(99, 0)), (999,))
        report(c25, self.w, "draft", members(b7_12=(50, 0)), (500,))
        r["x26"] = report(c26, self.x, "approved", members(b0_6=(4, 0), b7_12=(12, 1), b13_17=(5, 0), b18_24=(3, 0),
                                                            b25_59=(5, 0)), (180,))
        r["y26"] = report(c26, self.y, "approved", members(b7_12=(25, 0), b13_17=(3, 2), b60_plus=(2, 0)), (120, 100))
        self.y26 = r["y26"]
        self.y26.activities = [*self.y26.activities, {"name": "Bestyrelsesmøder"}]  # no hours: counts as 0
        r["z26"] = report(c26, self.z, "approved", {"0_6": {"out": 3}}, ())
        report(c27, self.x, "draft", members(b7_12=(7, 0)), (70,))
        db.session.flush()
        self._scheme(committee, c25, "activity", [(self.x, r["x25"], 9_000, 9_000), (self.y, r["y25"], 13_500, 13_500)])
        self._scheme(committee, c25, "premises", [(self.x, r["x25"], 5_000, 4_000), (self.y, r["y25"], 6_000, None)])
        self._scheme(committee, c26, "activity", [(self.x, r["x26"], 10_000, 10_000), (self.y, r["y26"], 14_000, 14_000),
                                                  (self.z, r["z26"], 3_000, 3_000)])
        self._scheme(committee, c26, "premises", [(self.y, r["y26"], 8_000, 8_000)])
        # An applied-for grant is not a calculated subsidy, even in the same year.
        CaseFactory(pool=PoolFactory(committee=committee, name="Aktivitetspuljen", year=2026), association=self.x,
                    state="granted", submitted_at=AT, decided_at=AT, amount_applied=50_000, granted_amount=50_000)
        db.session.commit()

    def _scheme(self, committee, campaign, kind: str, lines: list) -> None:
        """A scheme on its own yearly_subsidy pool with an approved batch; a line's case decided when granted."""
        label = "Aktivitetstilskud" if kind == "activity" else "Lokaletilskud"
        pool = PoolFactory(committee=committee, workflow="yearly_subsidy", name=f"{label} {campaign.year}",
                           year=campaign.year + 1, budget=100_000)
        scheme = SubsidyScheme(name=pool.name, kind=kind, campaign=campaign, pool=pool)
        batch = SubsidyBatch(scheme=scheme, status="approved", budget=100_000, approved_at=AT,
                             total=sum(amount for _a, _r, amount, _g in lines))
        for association, annual, amount, granted in lines:
            case = CaseFactory(pool=pool, association=association, state="granted",
                               title=f"{label} {campaign.year}", decided_at=AT if granted else None,
                               granted_amount=granted, amount_applied=amount)
            batch.lines.append(SubsidyBatchLine(association=association, report=annual, amount=amount, case_id=case.id))
        db.session.add(batch)
        db.session.flush()

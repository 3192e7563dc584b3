"""The yearly cycle's test worlds: a 2027 campaign an association's board reports to, and a committee world with
approved reports (made directly as rows) and a scheme for the batch tests."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
from werkzeug.datastructures import FileStorage

from app import clock
from app.extensions import db
from app.models import AnnualReport, AssociationApproval, Case, ReportingCampaign, SubsidyScheme
from app.services.yearly import reports
from tests.committee.conftest import World
from tests.factories import AssociationFactory, PoolFactory

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def pdf(name: str = "regnskab.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(PDF), filename=name, content_type="application/pdf")


def all_files() -> dict:
    return {"accounts": pdf("regnskab.pdf"), "auditor": pdf("revisor.pdf")}


def figures(**changes) -> reports.ReportInput:
    """A complete, consistent report: 12 members, 8 paying, accounts that add up."""
    values = dict(members={"7_12": {"in": 6, "out": 1}, "13_17": {"in": 4}, "25_59": {"in": 1}},
                  paying_members=8, fee_income=9_600,
                  activities=({"name": "Fodbold for børn", "hours": 120, "premises": "Egen klubhytte"},),
                  premises_costs={"rent": 24_000, "utilities": 8_000}, accounts_income=50_000,
                  accounts_expenses=45_000, accounts_result=5_000, accounts_approved_on=date(2027, 3, 1),
                  board_changes="Ny kasserer")
    values.update(changes)
    return reports.ReportInput(**values)


@pytest.fixture
def campaign(app):
    clock.freeze(datetime(2027, 3, 10, 12, 0))
    row = ReportingCampaign(year=2027, opens_on=date(2027, 1, 15), deadline=date(2027, 4, 1), intro="")
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def club(factory, campaign):
    chair, treasurer = factory.user(name="Karen Holm"), factory.user(name="Bo Nielsen")
    association = factory.association(members=(chair, treasurer))
    db.session.commit()
    return association, chair, treasurer


@pytest.fixture
def caseworker(factory, app):
    user = factory.CaseworkerFactory(full_name="Sara Sagsbehandler")
    db.session.commit()
    return user


# 205 kr. per member under 25 living in the municipality (Viborg's rule), 1/12 less per month late.
FORMULA = {"basis": "per_member", "rate": 205, "bands": ["0_6", "7_12", "13_17", "18_24"], "late_twelfths": 1}


class Yearly(World):
    """The committee world plus the yearly cycle: campaign, scheme in its own pool, reports."""

    def __init__(self) -> None:
        super().__init__()
        clock.freeze(datetime(2028, 5, 1, 10, 0, tzinfo=timezone.utc))
        self.campaign = ReportingCampaign(year=2027, opens_on=date(2028, 1, 2), deadline=date(2028, 3, 31))
        self.yearly_pool = PoolFactory(committee=self.committee, name="Aktivitetstilskud 2027", workflow="yearly_subsidy",
                                       year=2027, budget=450_000, legal_basis="folkeoplysningslovens § 18",
                                       appeal_text="I kan klage til kommunen inden 4 uger efter, at I har fået brevet.",
                                       payment_mode="instalments", instalment_count=4)
        self.scheme = SubsidyScheme(name="Aktivitetstilskud 2027", kind="activity", campaign=self.campaign,
                                    pool=self.yearly_pool, formula=dict(FORMULA))
        db.session.add_all([self.campaign, self.scheme])
        db.session.commit()

    def report(self, association=None, *, under_25: int = 40, out: int = 0, over_25: int = 0,
               submitted: datetime | None = None, status: str = "approved",
               approved_for_year: bool = True) -> AnnualReport:
        association = association or AssociationFactory()
        if approved_for_year:  # approved as folkeoplysende forening (§ 4) for the campaign's year
            db.session.add(AssociationApproval(association_id=association.id, year=self.campaign.year))
        when = submitted or datetime(2028, 3, 1, 12, 0, tzinfo=timezone.utc)
        row = AnnualReport(campaign_id=self.campaign.id, association_id=association.id, status=status,
                           members={"7_12": {"in": under_25, "out": out}, "25_59": {"in": over_25, "out": 0}},
                           paying_members=under_25 + out + over_25, fee_income=(under_25 + out + over_25) * 300,
                           activities=[{"name": "Træning", "hours": 100}, {"name": "Kampe", "hours": 20}],
                           premises_costs={"rent": 10_000}, submitted_at=when,
                           approved_at=when if status == "approved" else None)
        db.session.add(row)
        db.session.commit()
        return row

    def granted_case(self, amount: int) -> Case:
        """Money the pool has granted already (a case decided earlier)."""
        case = Case(pool_id=self.yearly_pool.id, association_id=self.association.id, workflow="yearly_subsidy",
                    state="closed", title="Tidligere bevilling", granted_amount=amount)
        db.session.add(case)
        db.session.commit()
        return case


@pytest.fixture
def yearly(app) -> Yearly:
    return Yearly()

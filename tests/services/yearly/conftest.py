"""A reporting campaign for subsidy year 2027 (figures for 2026) and an association whose board reports."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from werkzeug.datastructures import FileStorage

from app import clock
from app.extensions import db
from app.models.yearly import ReportingCampaign
from app.services.yearly import reports

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

"""Shared set-up for the annual report's view tests: a 2027 campaign, two associations, staff."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

from app import clock
from app.extensions import db
from app.models import Association, User
from app.models.yearly import ReportingCampaign

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@dataclass
class World:
    campaign: ReportingCampaign
    club: Association
    other: Association
    chair: User
    treasurer: User
    outsider: User
    caseworker: User
    admin: User


def build(factory) -> World:
    clock.freeze(datetime(2027, 3, 10, 12, 0))
    campaign = ReportingCampaign(year=2027, opens_on=date(2027, 1, 15), deadline=date(2027, 4, 1),
                                 intro="Husk regnskabet.")
    db.session.add(campaign)
    chair, treasurer, outsider = factory.user(name="Karen Holm"), factory.user(name="Bo Nielsen"), factory.user()
    club = factory.association(name="Svømmeklubben Bølgen", members=(chair, treasurer))
    other = factory.association(name="Skakklubben", members=(outsider,))
    world = World(campaign, club, other, chair, treasurer, outsider, factory.CaseworkerFactory(),
                  factory.AdministratorFactory())
    db.session.commit()
    return world


def form(**changes) -> dict:
    """A complete, consistent report as the browser posts it (Danish number formats)."""
    data = {"version": "0", "members_7_12_in": "6", "members_7_12_out": "1", "members_13_17_in": "4",
            "members_25_59_in": "1", "paying_members": "8", "fee_income": "9.600",
            "activity_0_name": "Svømning for børn", "activity_0_hours": "120", "activity_0_premises": "Svømmehallen",
            "cost_rent": "24.000", "accounts_income": "50.000", "accounts_expenses": "45.000",
            "accounts_result": "5.000", "accounts_approved_on": "01.03.2027", "board_changes": "Ny kasserer",
            "action": "save"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def with_files(data: dict) -> dict:
    return {**data, "accounts_file": (io.BytesIO(PDF), "regnskab.pdf"),
            "auditor_file": (io.BytesIO(PDF), "revisor.pdf")}

"""Reporting campaigns (årlig indberetning): the administrator opens one per subsidy year, edits and closes it.

`year` is the subsidy year (tilskudsåret); the associations report the figures of the year before it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import LazyString, lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import User
from app.models.yearly import ReportingCampaign
from app.services.unit_of_work import flush, use_case

MIN_YEAR, MAX_YEAR = 2000, 2100


class CampaignInvalid(Exception):
    """The campaign's fields do not hold; `errors` maps a field name to a Danish message."""

    def __init__(self, errors: dict[str, LazyString | str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class CampaignNotFound(LookupError):
    """No such campaign."""


@dataclass(frozen=True)
class CampaignInput:
    """What the administrator typed."""

    year: int
    opens_on: date
    deadline: date
    intro: str = ""


def accounts_year(campaign: ReportingCampaign) -> int:
    """The calendar year whose figures the associations report: the year before the subsidy year."""
    return campaign.year - 1


def campaigns() -> list[ReportingCampaign]:
    """Every campaign, newest subsidy year first (one a year: a bounded list)."""
    return list(db.session.scalars(db.select(ReportingCampaign).order_by(ReportingCampaign.year.desc())))


def open_campaigns() -> list[ReportingCampaign]:
    """The campaigns associations can report to now, newest first."""
    return [c for c in campaigns() if c.status == "open"]


def _check(data: CampaignInput) -> None:
    errors: dict[str, LazyString] = {}
    if not MIN_YEAR <= data.year <= MAX_YEAR:
        errors["year"] = _l("Skriv et årstal mellem %(low)s og %(high)s.", low=MIN_YEAR, high=MAX_YEAR)
    if data.deadline < data.opens_on:
        errors["deadline"] = _l("Fristen kan ikke ligge før den dag, indberetningen åbner.")
    if errors:
        raise CampaignInvalid(errors)


def _taken(year: int) -> CampaignInvalid:
    return CampaignInvalid({"year": _l("Der er allerede en indberetning for tilskudsåret %(year)s.", year=year)})


@use_case
def open_campaign(admin: User, data: CampaignInput) -> ReportingCampaign:
    """Open the reporting for a subsidy year; one campaign a year (the database refuses a second)."""
    _check(data)
    if db.session.scalar(db.select(ReportingCampaign.id).where(ReportingCampaign.year == data.year)) is not None:
        raise _taken(data.year)
    campaign = ReportingCampaign(year=data.year, opens_on=data.opens_on, deadline=data.deadline,
                                 intro=data.intro.strip(), created_by_id=admin.id, status="open")
    db.session.add(campaign)
    try:
        flush()
    except IntegrityError as exc:  # two administrators opening the same year at once
        raise _taken(data.year) from exc
    return campaign


def _locked(campaign_id: int) -> ReportingCampaign:
    campaign = db.session.get(ReportingCampaign, campaign_id, with_for_update=True, populate_existing=True)
    if campaign is None:
        raise CampaignNotFound(campaign_id)
    return campaign


@use_case
def update_campaign(campaign_id: int, admin: User, data: CampaignInput) -> ReportingCampaign:
    """Change the dates or the introduction (the year stays: reports already point at it)."""
    campaign = _locked(campaign_id)
    _check(CampaignInput(campaign.year, data.opens_on, data.deadline, data.intro))
    campaign.opens_on, campaign.deadline, campaign.intro = data.opens_on, data.deadline, data.intro.strip()
    return campaign


@use_case
def set_status(campaign_id: int, admin: User, status: str) -> ReportingCampaign:
    """Close the campaign (no more drafts or submissions) or open it again."""
    if status not in ("open", "closed"):
        raise ValueError(status)
    campaign = _locked(campaign_id)
    campaign.status = status
    return campaign

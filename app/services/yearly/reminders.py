"""Reminders before the annual report's deadline: every approved association that has not sent its report.

Idempotent: each reminder carries an outbox dedup key per campaign, association and reminder day, so a second
run (or a run racing this one) sends nothing twice. Each page of associations is its own unit of work.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import Association, AssociationApproval, OutboxMessage
from app.models.yearly import AnnualReport, ReportingCampaign
from app.services.delivery import outbox
from app.services.delivery.letterhead import locale_for
from app.services.delivery.links import public_url
from app.services.unit_of_work import flush, use_case

DEFAULT_DAYS = (14, 3)
BATCH = 500
TEMPLATE = "annual_report_reminder"


def reminder_days() -> tuple[int, ...]:
    """How many days before the deadline the reminders go out (ANNUAL_REPORT_REMINDER_DAYS)."""
    return tuple(int(d) for d in current_app.config.get("ANNUAL_REPORT_REMINDER_DAYS", DEFAULT_DAYS))


def reminder_day(campaign: ReportingCampaign, today: date) -> date | None:
    """The latest reminder day reached by `today`, or None when no reminder is due (before, or after the deadline)."""
    if today > campaign.deadline or today < campaign.opens_on:
        return None
    reached = [d for d in reminder_days() if campaign.deadline - timedelta(days=d) <= today]
    return campaign.deadline - timedelta(days=min(reached)) if reached else None


def send_reminders(today: date | None = None) -> int:
    """Remind every open campaign's approved associations without a sent report; returns how many were written."""
    today = today or clock.today()
    sent = 0
    for campaign in db.session.scalars(db.select(ReportingCampaign).where(ReportingCampaign.status == "open")
                                       .order_by(ReportingCampaign.id)).all():
        day = reminder_day(campaign, today)
        if day is not None:
            sent += _remind_campaign(campaign, day)
    return sent


def _due(campaign: ReportingCampaign, after: int) -> list[Association]:
    sent = db.select(AnnualReport.association_id).where(AnnualReport.campaign_id == campaign.id,
                                                        AnnualReport.status != "draft")
    approved = db.select(AssociationApproval.association_id).where(
        AssociationApproval.year.in_((campaign.year - 1, campaign.year)))
    return list(db.session.scalars(db.select(Association).where(
        Association.id > after, Association.id.in_(approved), Association.id.not_in(sent),
        Association.is_informal.is_(False)).order_by(Association.id).limit(BATCH)))


def _remind_campaign(campaign: ReportingCampaign, day: date) -> int:
    sent, after = 0, 0
    while True:
        associations = _due(campaign, after)
        if not associations:
            return sent
        after = associations[-1].id
        sent += _page_unless_taken(campaign, associations, day)
        if len(associations) < BATCH:
            return sent


def _page_unless_taken(campaign: ReportingCampaign, associations: list[Association], day: date) -> int:
    """Remind one page; 0 when another run wrote the same reminders first (the page is theirs, sent once)."""
    try:
        return _remind_page(campaign, associations, day)
    except IntegrityError:
        return 0


@use_case
def _remind_page(campaign: ReportingCampaign, associations: list[Association], day: date) -> int:
    keys = {a.id: f"{TEMPLATE}:{campaign.id}:{a.id}:{day.isoformat()}" for a in associations}
    done = set(db.session.scalars(db.select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(keys.values()))))
    todo = [a for a in associations if keys[a.id] not in done]
    for association in todo:
        outbox.enqueue(TEMPLATE, association.contact_email, {
            "association": association.name, "year": campaign.year, "accounts_year": campaign.year - 1,
            "deadline_text": f"{campaign.deadline.day}.{campaign.deadline.month}.{campaign.deadline.year}",
            "link": public_url(f"/indberetning/forening/{association.id}/{campaign.id}")},
            locale=locale_for(association.contact_email), dedup_key=keys[association.id])
    flush()  # a dedup key another run wrote first fails here and voids the page
    return len(todo)

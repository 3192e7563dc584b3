"""Reminders before the deadline: approved associations without a sent report, once per reminder day."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.models import OutboxMessage
from app.services.yearly import reminders, reports
from tests.services.yearly.conftest import all_files, figures


def _reminders() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "annual_report_reminder")
                                   .order_by(OutboxMessage.id)))


def test_reminders_reach_approved_associations_without_a_sent_report_once_per_day(club, app, campaign, factory):
    association, chair, _treasurer = club
    factory.AssociationApprovalFactory(association=association, year=2026)
    sent_already = factory.association(members=(factory.user(),))
    factory.AssociationApprovalFactory(association=sent_already, year=2026)
    factory.association()  # never approved: not reminded
    db.session.commit()
    with app.test_request_context():
        reports.save(campaign.id, sent_already, sent_already.memberships[0].user, figures(), all_files(), 0,
                     submit=True)
        assert reminders.send_reminders(date(2027, 3, 17)) == 0  # 15 days before: none due yet
        assert reminders.send_reminders(date(2027, 3, 18)) == 1  # 14 days before
        assert reminders.send_reminders(date(2027, 3, 20)) == 0  # the same reminder day: nothing twice
        assert reminders.send_reminders(date(2027, 3, 29)) == 1  # 3 days before: the second reminder
        assert reminders.send_reminders(date(2027, 4, 2)) == 0  # after the deadline: no more
    mails = _reminders()
    assert [m.recipient for m in mails] == [association.contact_email] * 2
    assert mails[0].dedup_key == f"annual_report_reminder:{campaign.id}:{association.id}:2027-03-18"
    assert mails[0].payload["accounts_year"] == 2026
    from app.services.delivery.mail import render_notice
    with app.test_request_context():
        email = render_notice(mails[0])
    assert "tilskudsåret 2027 (tal for 2026) senest 1.4.2027" in email.get_body().get_content()


def test_a_draft_is_not_a_sent_report(club, app, campaign, factory):
    association, chair, _treasurer = club
    factory.AssociationApprovalFactory(association=association, year=2027)
    db.session.commit()
    with app.test_request_context():
        reports.save(campaign.id, association, chair, figures(), {}, 0)
        assert reminders.send_reminders(date(2027, 3, 31)) == 1


def test_the_beat_task_runs_twice_and_sends_once(club, app, campaign, factory):
    from datetime import datetime

    from app import clock
    from app.tasks.reminders import remind_annual_reports
    factory.AssociationApprovalFactory(association=club[0], year=2026)
    db.session.commit()
    clock.freeze(datetime(2027, 3, 30, 9, 0))
    assert remind_annual_reports.apply().get() == 1
    assert remind_annual_reports.apply().get() == 0
    assert len(_reminders()) == 1
    entry = app.extensions["celery"].conf.beat_schedule["remind-annual-reports"]
    assert entry["task"] == remind_annual_reports.name

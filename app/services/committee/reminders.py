"""Beat jobs: the agenda to committee members, reminders before reply and report deadlines. All idempotent.

The jobs themselves are no use cases: each meeting (agendas) and each page of cases (reminders) is its own
outermost unit of work, committed on its own, so one that fails does not hold back the others.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import AgendaItem, Case, CommitteeMember, Meeting, OutboxMessage, User
from app.services.delivery import outbox
from app.services.delivery.letterhead import locale_for
from app.services.delivery.links import public_url
from app.services.delivery.notices import date_text
from app.services.unit_of_work import flush, use_case

DEFAULTS = {"AGENDA_NOTICE_DAYS": 5, "REPLY_REMINDER_DAYS": 3, "REPORT_REMINDER_DAYS": 14}
BATCH = 500


def setting(name: str) -> int:
    """A reminder setting from the config, else its default."""
    return int(current_app.config.get(name, DEFAULTS[name]))


def _link(path: str) -> str:
    return public_url(path)


def send_agendas(today: date | None = None) -> int:
    """Send each planned meeting's agenda to its members AGENDA_NOTICE_DAYS before; once per meeting."""
    today = today or clock.today()
    horizon = today + timedelta(days=setting("AGENDA_NOTICE_DAYS"))
    ids = db.session.scalars(db.select(Meeting.id).where(
        Meeting.status == "planned", Meeting.agenda_sent_at.is_(None), Meeting.meeting_date >= today,
        Meeting.meeting_date <= horizon).order_by(Meeting.id).limit(BATCH)).all()
    # One unit of work per meeting, on purpose: a meeting whose agenda fails is not sent, the others are.
    return sum(_send_agenda(meeting_id) for meeting_id in ids)


@use_case
def _send_agenda(meeting_id: int) -> int:
    meeting = db.session.get(Meeting, meeting_id, with_for_update=True, populate_existing=True)
    if meeting is None or meeting.agenda_sent_at is not None:
        return 0
    count = db.session.scalar(db.select(db.func.count()).select_from(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.is_open))
    members = db.session.scalars(db.select(User).join(CommitteeMember, CommitteeMember.user_id == User.id)
                                 .where(CommitteeMember.committee_id == meeting.committee_id, User.is_active)).all()
    for member in members:
        outbox.enqueue("meeting_agenda", member.email, {
            "name": member.first_name, "committee": meeting.committee.name, "title": meeting.title,
            "location": meeting.location, "date_text": date_text(meeting.meeting_date), "count": count,
            "link": _link(f"/udvalg/moeder/{meeting.id}")},
            locale=member.locale, dedup_key=f"agenda:{meeting.id}:{member.id}")
    meeting.agenda_sent_at = clock.now()
    return len(members)


def remind_replies(today: date | None = None) -> int:
    """Remind associations REPLY_REMINDER_DAYS before a reply deadline; once per case and deadline."""
    today = today or clock.today()
    return _remind_all(Case.reply_deadline, today, setting("REPLY_REMINDER_DAYS"),
                       Case.state_has("information_requested"), "reply_reminder", lambda c: c.reply_deadline)


def remind_reports(today: date | None = None) -> int:
    """Remind associations REPORT_REMINDER_DAYS before a report is due; once per case and due date."""
    today = today or clock.today()
    return _remind_all(Case.report_due_on, today, setting("REPORT_REMINDER_DAYS"),
                       Case.state_has("awaiting_report"), "report_reminder", lambda c: c.report_due_on)


def _remind_all(column, today: date, days: int, state_clause, template: str, deadline_of) -> int:
    """Page through the due cases by id, one unit of work (one commit) per page."""
    sent, after = 0, 0
    while True:
        cases = list(db.session.scalars(
            db.select(Case).where(state_clause, column >= today, column <= today + timedelta(days=days), Case.id > after)
            .options(db.joinedload(Case.association)).order_by(Case.id).limit(BATCH)))
        if not cases:
            return sent
        after = cases[-1].id
        sent += _remind(cases, template, deadline_of)
        if len(cases) < BATCH:
            return sent


def _remind(cases: list[Case], template: str, deadline_of) -> int:
    # Each page is its own outermost unit, on purpose: a page another run wrote first is void, the next goes on.
    try:
        return _remind_page(cases, template, deadline_of)
    except IntegrityError:  # another run wrote the same reminders first
        return 0


@use_case
def _remind_page(cases: list[Case], template: str, deadline_of) -> int:
    keys = {case.id: f"{template}:{case.id}:{deadline_of(case).isoformat()}" for case in cases}
    done = set(db.session.scalars(db.select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(keys.values()))))
    todo = [case for case in cases if keys[case.id] not in done]
    for case in todo:
        email = case.association.contact_email
        outbox.enqueue(template, email, {
            "case_number": case.number or "", "title": case.title, "deadline_text": date_text(deadline_of(case)),
            "link": _link(f"/forening/sager/{case.id}")}, locale=locale_for(email), dedup_key=keys[case.id])
    flush()  # a dedup key another run wrote first fails here, inside the unit, and voids the page
    return len(todo)

"""Case notices: who hears about a change, written to the outbox in the caller's unit of work."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from flask import current_app

from app.extensions import db
from app.models import Case, CommitteeMember, Meeting, User
from app.services.delivery import outbox
from app.services.delivery.links import public_url
from workflows import registry


def _payload(case: Case) -> dict:
    state = registry.get(case.workflow).state(case.state)
    return {"case_number": case.number or "", "title": case.title, "state_public": state.public_label,
            "state_staff": state.staff_label, "association": case.association.name,
            "link": public_url(f"/forening/sager/{case.id}"),
            "staff_link": public_url(f"/sagsbehandling/sager/{case.id}")}


def notify_applicant(case: Case, user: User, given: object) -> None:
    """Tell the association (its contact address) that its case moved."""
    outbox.enqueue("case_update", case.association.contact_email, _payload(case))


_PER_MEETING = "caseworker_notices_per_meeting"


def notify_caseworker(case: Case, user: User, given: object) -> None:
    """Tell the assigned caseworker, or the department's shared inbox when nobody has the case."""
    recipient = case.assignee.email if case.assignee else current_app.config["MUNICIPALITY_EMAIL"]
    locale = case.assignee.locale if case.assignee else None
    collected = db.session.info.get(_PER_MEETING)
    if collected is not None:  # inside a meeting's close: one e-mail per caseworker at its end
        # By address only: a staff account on the department's shared inbox is still one e-mail (and one dedup key).
        collected.setdefault(recipient, (locale, []))[1].append(_payload(case))
        return
    outbox.enqueue("case_update_staff", recipient, _payload(case), locale=locale)


def date_text(day: date) -> str:
    """A date as the staff e-mails write it (agenda, reminders, decided cases): the same in every language."""
    return f"{day.day}.{day.month}.{day.year}"


@contextmanager
def one_notice_per_caseworker(meeting: Meeting) -> Iterator[None]:
    """Caseworkers hear of the cases decided in the block in one e-mail each, listing them, not one per case.

    A chair closing a meeting with forty of one caseworker's cases sent that caseworker forty e-mails. Used
    inside the close's use case: the e-mails are written in its unit of work, and not at all if it fails.
    """
    collected: dict[str, tuple[str | None, list[dict]]] = {}
    db.session.info[_PER_MEETING] = collected
    try:
        yield
    finally:
        db.session.info.pop(_PER_MEETING, None)
    for recipient, (locale, cases) in collected.items():
        outbox.enqueue("meeting_decided_staff", recipient, {
            "committee": meeting.committee.name, "title": meeting.title, "date_text": date_text(meeting.meeting_date),
            "count": len(cases), "cases": cases}, locale=locale, dedup_key=f"decided:{meeting.id}:{recipient}")


def notify_committee(case: Case, user: User, given: object) -> None:
    """Tell the members of the committee that decides the pool."""
    members = db.session.scalars(db.select(User).join(CommitteeMember, CommitteeMember.user_id == User.id)
                                 .where(CommitteeMember.committee_id == case.pool.committee_id)).all()
    for member in members:
        outbox.enqueue("case_update_staff", member.email, _payload(case), locale=member.locale)

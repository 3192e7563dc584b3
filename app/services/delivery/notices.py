"""Case notices: who hears about a change, written to the outbox in the caller's unit of work."""
from __future__ import annotations

from flask import current_app

from app.extensions import db
from app.models import Case, CommitteeMember, User
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


def notify_caseworker(case: Case, user: User, given: object) -> None:
    """Tell the assigned caseworker, or the department's shared inbox when nobody has the case."""
    recipient = case.assignee.email if case.assignee else current_app.config["MUNICIPALITY_EMAIL"]
    outbox.enqueue("case_update_staff", recipient, _payload(case),
                   locale=case.assignee.locale if case.assignee else None)


def notify_committee(case: Case, user: User, given: object) -> None:
    """Tell the members of the committee that decides the pool."""
    members = db.session.scalars(db.select(User).join(CommitteeMember, CommitteeMember.user_id == User.id)
                                 .where(CommitteeMember.committee_id == case.pool.committee_id)).all()
    for member in members:
        outbox.enqueue("case_update_staff", member.email, _payload(case), locale=member.locale)

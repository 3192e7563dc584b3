"""Send a case to the committee and, in the same unit of work, put it on the meeting the caseworker chose."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.models import Case, Meeting, User
from app.services.cases import transitions
from app.services.cases.guard import refuse
from app.services.committee import meetings
from app.services.unit_of_work import use_case


def meetings_for(case: Case) -> list[Meeting]:
    """The planned meetings of the committee that decides the case's pool, from today on, soonest first."""
    return list(db.session.scalars(db.select(Meeting).where(
        Meeting.committee_id == case.pool.committee_id, Meeting.status == "planned",
        Meeting.meeting_date >= clock.today()).order_by(Meeting.meeting_date, Meeting.id).limit(20)))


@use_case
def send_to_committee(case_id: int, action: str, user: User, *, expected_version: int | None,
                      given: transitions.ActionInput, meeting_id: int | None) -> Meeting | None:
    """Move the case to the committee and put it on `meeting_id`'s agenda (None: choose a meeting later).

    One commit: if the meeting was closed or the case taken meanwhile, the case stays where it was.
    """
    transitions.perform(case_id, action, user, expected_version=expected_version, given=given)
    if meeting_id is None:
        return None
    meeting = db.session.get(Meeting, meeting_id)
    case = db.session.get(Case, case_id)
    if meeting is None:
        raise meetings.MeetingNotFound()
    if meeting.committee_id != case.pool.committee_id:
        refuse(_l("Mødet hører til et andet udvalg end det, der behandler puljen. Vælg et af udvalgets møder."))
    meetings.add_to_agenda(meeting.id, [case_id], user)
    return meeting

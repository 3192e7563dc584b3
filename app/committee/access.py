"""Look-ups for meeting pages: members of the meeting's committee, caseworkers and administrators; 404 otherwise."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.extensions import db
from app.models import Decision, Meeting
from app.services.meetings import seat


def get_meeting_or_404(meeting_id: int) -> Meeting:
    """A meeting the current user may see (committee members: only their own committees')."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    if current_user.role == "committee_member" and seat(current_user, meeting.committee_id) is None:
        abort(404)
    return meeting


def get_decision_or_404(decision_id: int) -> Decision:
    """A decision (caseworkers and administrators see every case)."""
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        abort(404)
    return decision

"""Case look-ups that check the object belongs to the user (404 otherwise, so nothing leaks)."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.extensions import db
from app.models import Case, CommitteeMember, Membership, Pool


def get_case_for_member_or_404(case_id: int) -> Case:
    """A case of one of the current member's associations."""
    case = db.session.scalar(
        db.select(Case).join(Membership, Membership.association_id == Case.association_id)
        .where(Case.id == case_id, Membership.user_id == current_user.id))
    if case is None:
        abort(404)
    return case


def get_case_for_staff_or_404(case_id: int) -> Case:
    """Caseworkers and administrators see every submitted case; committee members their committees' cases."""
    case = db.session.get(Case, case_id)
    if case is None or case.state == "draft":
        abort(404)
    if current_user.role == "committee_member":
        seat = db.session.scalar(db.select(CommitteeMember.id).join(Pool, Pool.committee_id == CommitteeMember.committee_id)
                                 .where(Pool.id == case.pool_id, CommitteeMember.user_id == current_user.id))
        if seat is None:
            abort(404)
    return case

"""Look-ups for the portal that check the object belongs to the current member (404 otherwise)."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.extensions import db
from app.models import Association, Membership


def get_membership_or_404(association_id: int) -> Membership:
    """The current user's seat on the association's board, with the association loaded."""
    membership = db.session.scalar(
        db.select(Membership).where(Membership.association_id == association_id,
                                    Membership.user_id == current_user.id)
        .options(db.joinedload(Membership.association).selectinload(Association.approvals)))
    if membership is None:
        abort(404)
    return membership


def get_association_for_member_or_404(association_id: int) -> Association:
    """An association the current user sits on the board of."""
    return get_membership_or_404(association_id).association

"""Object look-ups for views, asked one way: `get_or_404(Model, id, check)`.

A row that does not exist and a row the current user may not see both answer 404, so nothing leaks.
The checks are questions about one object and the current user; the role decorators are in
app/auth/access.py.
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from flask import abort
from flask_login import current_user

from app.extensions import db
from app.models import Association, Membership, PoolCriterion
from app.services.committee.meetings import seat
from workflows import registry

T = TypeVar("T")
Check = Callable[[Any], bool]


def get_or_404(model: type[T], object_id: int, check: Check | None = None) -> T:
    """The `model` row with this id if it exists and passes `check`; 404 otherwise."""
    found = db.session.get(model, object_id)
    if found is None or (check is not None and not check(found)):
        abort(404)
    return found


def get_membership_or_404(association_id: int) -> Membership:
    """The current user's seat on the association's board, with the association loaded."""
    membership = db.session.scalar(
        db.select(Membership).where(Membership.association_id == association_id,
                                    Membership.user_id == current_user.id)
        .options(db.joinedload(Membership.association).selectinload(Association.approvals)))
    if membership is None:
        abort(404)
    return membership


def member_associations() -> list[Association]:
    """The current member's associations (none for anyone else)."""
    if not current_user.is_authenticated or current_user.role != "member":
        return []
    return list(db.session.scalars(db.select(Association).join(Membership).where(
        Membership.user_id == current_user.id).options(db.selectinload(Association.approvals))
        .order_by(Association.name)))


# The checks.

def on_board(obj: Any) -> bool:
    """Does the current user sit on the board of this association, or of the association that owns this
    case, booking or wish?"""
    association_id = obj.id if isinstance(obj, Association) else obj.association_id
    return db.session.scalar(db.select(Membership.id).where(
        Membership.association_id == association_id, Membership.user_id == current_user.id)) is not None


def staff_may_see(case: Any) -> bool:
    """Is this a submitted case the current staff user may see? Committee members see only their
    committees' cases; caseworkers and administrators see every one."""
    if case.state_has("draft"):
        return False
    return current_user.role != "committee_member" or seat(current_user, case.pool.committee_id) is not None


def is_premises_request(case: Any) -> bool:
    """Is this a submitted premises case (caseworkers and administrators see them all)?"""
    return case.workflow == registry.PREMISES_LOAN and not case.state_has("draft")


def has_seat_at(meeting: Any) -> bool:
    """May the current user see this meeting? Committee members only their own committees'."""
    return current_user.role != "committee_member" or seat(current_user, meeting.committee_id) is not None


def is_public(space: Any) -> bool:
    """Is this space published, at a published location?"""
    return space.is_published and space.location.is_published


def of_pool(pool: Any) -> Check:
    """A check: does the criterion, form step or form field belong to this pool?"""
    def check(obj: Any) -> bool:
        pool_id = obj.pool_id if isinstance(obj, PoolCriterion) else obj.version.pool_id
        return pool_id == pool.id
    return check


def on_agenda_of(meeting: Any) -> Check:
    """A check: is the agenda item on this meeting's agenda?"""
    return lambda item: item.meeting_id == meeting.id

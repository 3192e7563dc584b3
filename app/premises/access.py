"""Premises look-ups that check the object belongs to the user (404 otherwise, so nothing leaks)."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.extensions import db
from app.models import AllocationWish, Association, Booking, Case, Location, Membership, Space


def get_or_404(model: type, object_id: int):
    """Any row by id (staff pages)."""
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


def get_public_space_or_404(space_id: int) -> Space:
    """A published space at a published location."""
    space = db.session.scalar(db.select(Space).join(Location).where(
        Space.id == space_id, Space.is_published.is_(True), Location.is_published.is_(True))
        .options(db.joinedload(Space.location), db.selectinload(Space.hours)))
    if space is None:
        abort(404)
    return space


def member_associations() -> list[Association]:
    """The current member's associations."""
    if not current_user.is_authenticated or current_user.role != "member":
        return []
    return list(db.session.scalars(db.select(Association).join(Membership).where(
        Membership.user_id == current_user.id).options(db.selectinload(Association.approvals))
        .order_by(Association.name)))


def get_member_association_or_404(association_id: int) -> Association:
    """One of the current member's associations."""
    association = db.session.scalar(db.select(Association).join(Membership).where(
        Association.id == association_id, Membership.user_id == current_user.id))
    if association is None:
        abort(404)
    return association


def get_booking_for_member_or_404(booking_id: int) -> Booking:
    """A booking of one of the current member's associations."""
    booking = db.session.scalar(db.select(Booking).join(
        Membership, Membership.association_id == Booking.association_id).where(
        Booking.id == booking_id, Membership.user_id == current_user.id))
    if booking is None:
        abort(404)
    return booking


def get_wish_for_member_or_404(wish_id: int) -> AllocationWish:
    """A seasonal wish of one of the current member's associations."""
    wish = db.session.scalar(db.select(AllocationWish).join(
        Membership, Membership.association_id == AllocationWish.association_id).where(
        AllocationWish.id == wish_id, Membership.user_id == current_user.id))
    if wish is None:
        abort(404)
    return wish


def get_request_case_or_404(case_id: int) -> Case:
    """A submitted premises case (caseworkers and administrators see them all)."""
    case = db.session.get(Case, case_id)
    if case is None or case.workflow != "premises_loan" or case.state == "draft":
        abort(404)
    return case

"""The board: invitations by e-mail link, roles, removing members, leaving. Always at least one chair."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Association, Invitation, Membership, User
from app.models.association import MEMBERSHIP_ROLES
from app.models.base import utcnow
from app.services import outbox
from app.services.associations import record
from app.services.tokens import TokenExpired, TokenInvalid, make_token, read_token
from app.services.unit_of_work import commit, rollback

INVITATION_DAYS = 14
MAX_OPEN_INVITATIONS = 25  # stops a hijacked account from mailing the world
TOKEN_PURPOSE = "association-invite"


class NotChair(Exception):
    """Only the chair may do this."""


class LastChair(Exception):
    """The association must keep at least one chair."""


class MembershipNotFound(Exception):
    """No such board member in this association."""


class AlreadyMember(Exception):
    """The person is on the board already."""


class TooManyInvitations(Exception):
    """Too many invitations are waiting to be accepted."""


class InvitationUsed(Exception):
    """Someone else accepted this invitation."""


class InvitationCancelled(Exception):
    """The board cancelled the invitation."""


class NotAnAssociationAccount(Exception):
    """Staff accounts cannot join an association's board."""


def _membership(association_id: int, user_id: int) -> Membership | None:
    return db.session.scalar(db.select(Membership).where(
        Membership.association_id == association_id, Membership.user_id == user_id))


def _open_invitations(association_id: int) -> int:
    return db.session.scalar(db.select(func.count()).select_from(Invitation).where(
        Invitation.association_id == association_id, Invitation.accepted_at.is_(None),
        Invitation.cancelled_at.is_(None), Invitation.expires_at > utcnow()))


def invitation_link(invitation: Invitation) -> str:
    """The signed link sent by e-mail."""
    token = make_token(TOKEN_PURPOSE, {"iid": invitation.id, "aid": invitation.association_id})
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("portal.invitation", token=token)


def invite(association: Association, inviter: User, email: str, role: str = "member") -> Invitation:
    """Invite `email` to the board; a chair may invite another chair. Sends the link through the outbox."""
    email = email.strip().lower()
    inviter_role = _role_of(association.id, inviter.id)
    if inviter_role is None:
        raise MembershipNotFound()
    if role not in MEMBERSHIP_ROLES or (role == "chair" and inviter_role != "chair"):
        raise NotChair()
    if db.session.scalar(db.select(Membership.id).join(User, User.id == Membership.user_id).where(
            Membership.association_id == association.id, User.email == email)) is not None:
        raise AlreadyMember()
    if _open_invitations(association.id) >= MAX_OPEN_INVITATIONS:
        raise TooManyInvitations()
    invitation = Invitation(association_id=association.id, email=email, role=role, invited_by_id=inviter.id,
                            expires_at=utcnow() + timedelta(days=INVITATION_DAYS))
    db.session.add(invitation)
    db.session.flush()
    outbox.enqueue("association_invite", email, {
        "association": association.name, "inviter": inviter.full_name, "role": role,
        "link": invitation_link(invitation), "days": INVITATION_DAYS})
    record(association.id, inviter, "member_invited", email=email, role=role)
    commit()
    return invitation


def _role_of(association_id: int, user_id: int) -> str | None:
    membership = _membership(association_id, user_id)
    return membership.role if membership else None


def invitation_for_token(token: str) -> Invitation:
    """The invitation behind a link; raises TokenInvalid, TokenExpired or InvitationCancelled."""
    data = read_token(TOKEN_PURPOSE, token, INVITATION_DAYS * 24 * 3600)
    invitation = db.session.get(Invitation, data.get("iid")) if isinstance(data.get("iid"), int) else None
    if invitation is None or invitation.association_id != data.get("aid"):
        raise TokenInvalid()
    if invitation.cancelled_at is not None:
        raise InvitationCancelled()
    if invitation.accepted_at is None and invitation.expires_at <= utcnow():
        raise TokenExpired()
    return invitation


def accept(token: str, user: User) -> Membership:
    """Join the board through the link. Accepting again is a no-op; someone else's used link is refused."""
    if user.role != "member":
        raise NotAnAssociationAccount()
    invitation = invitation_for_token(token)
    invitation = db.session.get(Invitation, invitation.id, with_for_update=True, populate_existing=True)
    existing = _membership(invitation.association_id, user.id)
    if invitation.accepted_at is not None:
        if invitation.accepted_by_id == user.id and existing is not None:
            rollback()
            return existing
        rollback()
        raise InvitationUsed()
    invitation.accepted_at, invitation.accepted_by_id = utcnow(), user.id
    membership = existing or Membership(user_id=user.id, association_id=invitation.association_id,
                                        role=invitation.role)
    if existing is None:
        db.session.add(membership)
        record(invitation.association_id, user, "member_joined", name=user.full_name, role=invitation.role)
    try:
        commit()
    except IntegrityError as exc:  # the same person accepting in two tabs at once
        rollback()
        raise InvitationUsed() from exc
    return membership


def cancel(association: Association, user: User, invitation_id: int) -> None:
    """Withdraw an invitation that has not been accepted yet."""
    invitation = db.session.get(Invitation, invitation_id, with_for_update=True)
    if invitation is None or invitation.association_id != association.id:
        raise MembershipNotFound()
    if invitation.accepted_at is None and invitation.cancelled_at is None:
        invitation.cancelled_at = utcnow()
        record(association.id, user, "invitation_cancelled", email=invitation.email)
    commit()


def _locked_board(association_id: int) -> list[Membership]:
    # Locking every seat serialises two chairs demoting each other at the same moment.
    return list(db.session.scalars(db.select(Membership).where(Membership.association_id == association_id)
                                   .order_by(Membership.id).with_for_update()))


def _board_change(association: Association, actor: User, membership_id: int) -> tuple[Membership, list[Membership]]:
    board = _locked_board(association.id)
    target = next((m for m in board if m.id == membership_id), None)
    if target is None:
        rollback()
        raise MembershipNotFound()
    if not any(m.user_id == actor.id and m.role == "chair" for m in board):
        rollback()
        raise NotChair()
    return target, board


def _keeps_a_chair(board: list[Membership], changed: Membership, new_role: str | None) -> bool:
    return any(m.role == "chair" for m in board if m.id != changed.id) or new_role == "chair"


def change_role(association: Association, actor: User, membership_id: int, role: str) -> Membership:
    """The chair sets a board member's role (chair, treasurer, member)."""
    if role not in MEMBERSHIP_ROLES:
        raise ValueError(role)
    target, board = _board_change(association, actor, membership_id)
    if not _keeps_a_chair(board, target, role):
        rollback()
        raise LastChair()
    if target.role != role:
        record(association.id, actor, "member_role_changed", name=target.user.full_name, old=target.role, role=role)
        target.role = role
    commit()
    return target


def remove_member(association: Association, actor: User, membership_id: int) -> None:
    """The chair removes someone from the board (never the last chair)."""
    target, board = _board_change(association, actor, membership_id)
    _delete_seat(association, actor, target, board, "member_removed")


def leave(association: Association, user: User) -> None:
    """A board member leaves the association (the last chair must hand over first)."""
    board = _locked_board(association.id)
    seat = next((m for m in board if m.user_id == user.id), None)
    if seat is None:
        rollback()
        raise MembershipNotFound()
    _delete_seat(association, user, seat, board, "member_left")


def _delete_seat(association: Association, actor: User, seat: Membership, board: list[Membership], action: str) -> None:
    if not _keeps_a_chair(board, seat, None):
        rollback()
        raise LastChair()
    record(association.id, actor, action, name=seat.user.full_name, role=seat.role)
    db.session.delete(seat)
    commit()


__all__ = ["TokenExpired", "TokenInvalid", "invite", "accept", "cancel", "change_role", "remove_member", "leave"]

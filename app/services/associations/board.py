"""The board: invitations by e-mail link, roles, removing members, leaving. Always at least one chair."""
from __future__ import annotations

from datetime import timedelta

from flask import url_for
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import Association, Invitation, Membership, User
from app.models.association import MEMBERSHIP_ROLES
from app.services.accounts.tokens import TokenExpired, TokenInvalid, make_token, read_token
from app.services.associations.associations import record
from app.services.delivery import outbox
from app.services.delivery.links import public_url
from app.services.unit_of_work import flush, use_case

INVITATION_DAYS = 14
MAX_OPEN_INVITATIONS = 25  # stops a hijacked account from mailing the world
TOKEN_PURPOSE = "association-invite"  # nosec B105 # a token's purpose (salt), not a secret


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


class NotClaimed(Exception):
    """No one is waiting for a confirmation of this invitation."""


def _membership(association_id: int, user_id: int) -> Membership | None:
    return db.session.scalar(db.select(Membership).where(
        Membership.association_id == association_id, Membership.user_id == user_id))


def _open_invitations(association_id: int) -> int:
    return db.session.scalar(db.select(func.count()).select_from(Invitation).where(
        Invitation.association_id == association_id, Invitation.accepted_at.is_(None),
        Invitation.cancelled_at.is_(None), Invitation.expires_at > clock.now()))


def invitation_link(invitation: Invitation) -> str:
    """The signed link sent by e-mail."""
    token = make_token(TOKEN_PURPOSE, {"iid": invitation.id, "aid": invitation.association_id})
    return public_url(url_for("portal.invitation", token=token))


@use_case
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
                            expires_at=clock.now() + timedelta(days=INVITATION_DAYS))
    db.session.add(invitation)
    flush()
    outbox.enqueue("association_invite", email, {
        "association": association.name, "inviter": inviter.full_name, "role": role,
        "link": invitation_link(invitation), "days": INVITATION_DAYS})
    record(association.id, inviter, "member_invited", email=email, role=role)
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
    if invitation.accepted_at is None and invitation.expires_at <= clock.now():
        raise TokenExpired()
    return invitation


def joins_directly(invitation: Invitation, user: User) -> bool:
    """The link alone is enough only for the invited, confirmed address, and never for a chair's seat."""
    return (invitation.role != "chair" and user.email_confirmed_at is not None
            and (user.email or "").strip().lower() == invitation.email)


@use_case
def accept(token: str, user: User) -> Membership | None:
    """Join the board through the link, or (another address, a chair's seat) ask a chair to confirm: None.

    Accepting again is a no-op; a link someone else has used or claimed is refused.
    """
    if user.role != "member":
        raise NotAnAssociationAccount()
    invitation = invitation_for_token(token)
    invitation = db.session.get(Invitation, invitation.id, with_for_update=True, populate_existing=True)
    existing = _membership(invitation.association_id, user.id)
    if invitation.accepted_at is not None:
        if invitation.accepted_by_id == user.id and existing is not None:
            return existing
        raise InvitationUsed()
    if invitation.claimed_by_id not in (None, user.id):
        raise InvitationUsed()
    if not joins_directly(invitation, user):
        if invitation.claimed_by_id is None:
            invitation.claimed_by_id, invitation.claimed_at = user.id, clock.now()
            record(invitation.association_id, user, "invitation_claimed", name=user.full_name,
                   email=invitation.email, role=invitation.role)
        return None
    return _seat(invitation, user, existing, user)


def _seat(invitation: Invitation, user: User, existing: Membership | None, actor: User) -> Membership:
    invitation.accepted_at, invitation.accepted_by_id = clock.now(), user.id
    membership = existing or Membership(user_id=user.id, association_id=invitation.association_id,
                                        role=invitation.role)
    if existing is None:
        db.session.add(membership)
        record(invitation.association_id, actor, "member_joined", name=user.full_name, role=invitation.role)
    try:
        flush()
    except IntegrityError as exc:  # the same person accepting in two tabs at once
        raise InvitationUsed() from exc
    return membership


def _claimed(association: Association, actor: User, invitation_id: int) -> Invitation:
    """The open, claimed invitation, with `actor` a chair of the association (locks both)."""
    if not any(m.user_id == actor.id and m.role == "chair" for m in _locked_board(association.id)):
        raise NotChair()
    invitation = db.session.get(Invitation, invitation_id, with_for_update=True, populate_existing=True)
    if invitation is None or invitation.association_id != association.id:
        raise MembershipNotFound()
    if invitation.claimed_by_id is None or not invitation.is_open(clock.now()):
        raise NotClaimed()
    return invitation


@use_case
def confirm_claim(association: Association, actor: User, invitation_id: int) -> Membership:
    """A chair lets the account that used the link onto the board, in the invitation's role."""
    invitation = _claimed(association, actor, invitation_id)
    user = db.session.get(User, invitation.claimed_by_id)
    if user is None or user.role != "member":
        raise NotClaimed()
    return _seat(invitation, user, _membership(association.id, user.id), actor)


@use_case
def reject_claim(association: Association, actor: User, invitation_id: int) -> bool:
    """A chair refuses the account that used the link; True when the invitation stays open for the invited
    address, False for a MitID Erhverv request to join (there was no link, so nothing stays open)."""
    invitation = _claimed(association, actor, invitation_id)
    record(association.id, actor, "invitation_claim_rejected", email=invitation.email,
           name=invitation.claimed_by.full_name if invitation.claimed_by else "")
    if invitation.invited_by_id is None:  # a MitID Erhverv request to join (mitid.py): nobody else may use it
        invitation.cancelled_at = clock.now()
        return False
    invitation.claimed_by_id, invitation.claimed_at = None, None
    return True


@use_case
def cancel(association: Association, user: User, invitation_id: int) -> None:
    """Withdraw an invitation that has not been accepted yet."""
    invitation = db.session.get(Invitation, invitation_id, with_for_update=True)
    if invitation is None or invitation.association_id != association.id:
        raise MembershipNotFound()
    if invitation.accepted_at is None and invitation.cancelled_at is None:
        invitation.cancelled_at = clock.now()
        record(association.id, user, "invitation_cancelled", email=invitation.email)


def _locked_board(association_id: int) -> list[Membership]:
    # Locking every seat serialises two chairs demoting each other at the same moment.
    return list(db.session.scalars(db.select(Membership).where(Membership.association_id == association_id)
                                   .order_by(Membership.id).with_for_update()))


def _board_change(association: Association, actor: User, membership_id: int) -> tuple[Membership, list[Membership]]:
    board = _locked_board(association.id)
    target = next((m for m in board if m.id == membership_id), None)
    if target is None:
        raise MembershipNotFound()
    if not any(m.user_id == actor.id and m.role == "chair" for m in board):
        raise NotChair()
    return target, board


def _keeps_a_chair(board: list[Membership], changed: Membership, new_role: str | None) -> bool:
    return any(m.role == "chair" for m in board if m.id != changed.id) or new_role == "chair"


@use_case
def change_role(association: Association, actor: User, membership_id: int, role: str) -> Membership:
    """The chair sets a board member's role (chair, treasurer, member)."""
    if role not in MEMBERSHIP_ROLES:
        raise ValueError(role)
    target, board = _board_change(association, actor, membership_id)
    if not _keeps_a_chair(board, target, role):
        raise LastChair()
    if target.role != role:
        record(association.id, actor, "member_role_changed", name=target.user.full_name, old=target.role, role=role)
        target.role = role
    return target


@use_case
def remove_member(association: Association, actor: User, membership_id: int) -> None:
    """The chair removes someone from the board (never the last chair)."""
    target, board = _board_change(association, actor, membership_id)
    _delete_seat(association, actor, target, board, "member_removed")


@use_case
def leave(association: Association, user: User) -> None:
    """A board member leaves the association (the last chair must hand over first)."""
    board = _locked_board(association.id)
    seat = next((m for m in board if m.user_id == user.id), None)
    if seat is None:
        raise MembershipNotFound()
    _delete_seat(association, user, seat, board, "member_left")


def _delete_seat(association: Association, actor: User, seat: Membership, board: list[Membership], action: str) -> None:
    if not _keeps_a_chair(board, seat, None):
        raise LastChair()
    record(association.id, actor, action, name=seat.user.full_name, role=seat.role)
    db.session.delete(seat)


__all__ = ["TokenExpired", "TokenInvalid", "invite", "accept", "confirm_claim", "reject_claim", "cancel", "change_role",
           "remove_member", "leave"]

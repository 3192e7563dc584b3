"""Who a NemLog-in log-in is: the person's persistent id → their user (created the first time), and with
MitID Erhverv the association with the assertion's CVR number (register it, or ask its chair to join).

Only the association whose CVR the assertion carries is ever touched: an assertion for CVR A never reaches B.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for

from app import clock
from app.extensions import db
from app.models import Association, ExternalIdentity, Invitation, Membership, User
from app.models.nemlogin import SignInEvent
from app.models.user import find_user_by_email
from app.services.accounts.accounts import AccountDisabled, unusable_password
from app.services.accounts.passwords import hash_password
from app.services.associations import associations
from app.services.associations.associations import record
from app.services.associations.board import INVITATION_DAYS
from app.services.delivery import outbox
from app.services.delivery.links import public_url
from app.services.integrations import cvr_register
from app.services.integrations.nemlogin import Person
from app.services.unit_of_work import flush, use_case

PROVIDER = "nemlogin"
# A user who logged in with MitID without an e-mail in the assertion gets an address nobody can receive at
# (.invalid is reserved, RFC 2606) until she gives hers: users.email is NOT NULL and unique.
PLACEHOLDER_DOMAIN = "nemlogin.invalid"


class EmailTaken(Exception):
    """Another user has that address."""


@dataclass(frozen=True)
class Landing:
    """Where a log-in goes next: the association's page, its registration, or the portal."""

    step: str  # "association", "register", "join_requested", "portal"
    association_id: int | None = None


def needs_email(user: User) -> bool:
    """True while the user has only the placeholder address (asked for once, after the log-in)."""
    return user.email.endswith("@" + PLACEHOLDER_DOMAIN)


def journal(outcome: str, reason: str | None = None, detail: str = "", person: Person | None = None,
            user: User | None = None, ip: str | None = None) -> None:
    """A line in the log-in journal, in the caller's unit of work (refusals commit through `refused`)."""
    db.session.add(SignInEvent(provider=PROVIDER, outcome=outcome, reason=reason, detail=(detail or None) and detail[:500],
                               subject=person.subject if person else None, cvr=person.cvr if person else None,
                               user_id=user.id if user else None, ip=ip))


@use_case
def refused(reason: str, detail: str, ip: str | None) -> None:
    """Journal a refused assertion (bad signature, replay, expiry, audience, low assurance, ...)."""
    journal("refused", reason, detail, ip=ip)


def _new_user(person: Person) -> User:
    email = (person.email or "").strip().lower()
    if not email or find_user_by_email(email) is not None:
        # Not linked to an existing account by address: the address in the assertion proves nothing about it.
        email = f"{hashlib.sha256(person.subject.encode()).hexdigest()[:24]}@{PLACEHOLDER_DOMAIN}"
    user = User(email=email, full_name=person.full_name or person.org_name or "MitID", role="member",
                password_hash=hash_password(unusable_password()),
                email_confirmed_at=None if email.endswith(PLACEHOLDER_DOMAIN) else clock.now())
    db.session.add(user)
    flush()
    db.session.add(ExternalIdentity(user_id=user.id, provider=PROVIDER, subject=person.subject))
    return user


@use_case
def sign_in(person: Person, ip: str | None) -> tuple[User, Landing]:
    """The user behind `person` (created the first time) and where she goes next; raises AccountDisabled."""
    identity = db.session.scalar(db.select(ExternalIdentity).where(
        ExternalIdentity.provider == PROVIDER, ExternalIdentity.subject == person.subject).with_for_update())
    user = identity.user if identity else _new_user(person)
    if not user.is_active or user.role != "member":
        raise AccountDisabled(user)  # the view journals it: this unit of work is rolled back
    now = clock.now()
    user.last_login_at = now
    if identity is not None:
        identity.last_login_at = now
    journal("accepted", person=person, user=user, ip=ip)
    return user, _landing(user, person)


def _landing(user: User, person: Person) -> Landing:
    if not person.cvr:
        return Landing("portal")
    association = db.session.scalar(db.select(Association).where(Association.cvr == person.cvr))
    if association is None:
        return Landing("register")
    seat = db.session.scalar(db.select(Membership).where(
        Membership.association_id == association.id, Membership.user_id == user.id))
    if seat is not None:
        return Landing("association", association.id)
    _ask_to_join(association, user)
    return Landing("join_requested", association.id)


def _ask_to_join(association: Association, user: User) -> None:
    """A claimed invitation without an inviter: the board page's chair confirms or refuses it (board.py)."""
    now = clock.now()
    waiting = db.session.scalar(db.select(Invitation.id).where(
        Invitation.association_id == association.id, Invitation.claimed_by_id == user.id,
        Invitation.accepted_at.is_(None), Invitation.cancelled_at.is_(None), Invitation.expires_at > now))
    if waiting is not None:
        return
    db.session.add(Invitation(association_id=association.id, email=user.email, role="member", invited_by_id=None,
                              expires_at=now + timedelta(days=INVITATION_DAYS), claimed_by_id=user.id, claimed_at=now))
    record(association.id, user, "join_requested", name=user.full_name, email=user.email)
    link = public_url(url_for("portal.board_page", association_id=association.id))
    for chair in db.session.scalars(db.select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.association_id == association.id, Membership.role == "chair", User.is_active.is_(True))):
        if not needs_email(chair):
            outbox.enqueue("association_join_request", chair.email, {
                "name": user.full_name, "association": association.name, "link": link}, locale=chair.locale)


@use_case
def set_email(user: User, email: str) -> None:
    """The address a MitID user without one gives after the log-in; raises EmailTaken."""
    email = email.strip().lower()
    other = find_user_by_email(email)
    if other is not None and other.id != user.id:
        raise EmailTaken()
    user.email, user.email_confirmed_at = email, None


@use_case
def logged_out_by_idp(subject: str) -> User | None:
    """NemLog-in ended the person's session (IdP-initiated logout): every session of her user ends too."""
    identity = db.session.scalar(db.select(ExternalIdentity).where(
        ExternalIdentity.provider == PROVIDER, ExternalIdentity.subject == subject))
    if identity is None:
        return None
    identity.user.revoke_sessions()
    db.session.add(SignInEvent(provider=PROVIDER, outcome="logged_out", reason="idp", subject=subject,
                               user_id=identity.user_id))
    return identity.user


def prefill(person_cvr: str, org_name: str | None) -> dict:
    """What the registration form starts with for a MitID Erhverv log-in: the CVR, and the name and address the
    CVR register gives (the organisation's name from NemLog-in where there is no register or it did not answer).
    A ceased or unknown CVR is refused when the form is sent, with the register's reason."""
    values = {"cvr": person_cvr, "name": org_name or ""}
    if cvr_register.is_configured():
        try:
            values.update(associations.prefill(associations.register_entry(person_cvr)))
        except (associations.CvrUnknown, associations.CvrCeased):
            # Nothing to prefill: sending the form refuses the number next to the CVR, with the register's reason.
            current_app.logger.info("CVR %s at MitID registration is not in the register or has ceased", person_cvr)
        except cvr_register.RegisterUnavailable:
            current_app.logger.warning("CVR register unavailable at MitID registration of %s", person_cvr,
                                       exc_info=True)  # the nightly sync checks the number later
    return values

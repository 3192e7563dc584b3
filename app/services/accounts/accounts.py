"""Accounts: sign-up, confirmation, log-in, password reset, staff creation."""
from __future__ import annotations

import secrets

from flask import current_app, url_for
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models.user import STAFF_ROLES, User, find_user_by_email
from app.services.accounts.passwords import hash_password, verify_nothing, verify_password
from app.services.accounts.tokens import TokenExpired, TokenInvalid, make_token, read_token
from app.services.delivery import outbox
from app.services.delivery.links import public_url
from app.services.unit_of_work import flush, use_case


class EmailTaken(Exception):
    """A user with that e-mail exists."""


class LoginFailed(Exception):
    """The log-in did not succeed; the visitor is told the same whatever the reason below."""


class UnknownEmail(LoginFailed):
    """No user with that e-mail."""


class WrongPassword(LoginFailed):
    """The password does not match."""


class NotConfirmed(LoginFailed):
    """The right password for an address not yet confirmed (a sign-up proves nothing until its link is used)."""

    def __init__(self, user: User) -> None:
        super().__init__(user.id)
        self.user = user


class AccountDisabled(Exception):
    """The account has been disabled by an administrator."""


def public_link(endpoint: str, token: str) -> str:
    """An absolute link for e-mails (app/services/delivery/links.py)."""
    return public_url(url_for(endpoint, token=token, _external=False))


def password_fingerprint(user: User) -> str:
    """Changes whenever the password changes, so a reset link works once."""
    # The reset link dies when the password changes, so it works only once.
    return user.password_changed_at.isoformat() if user.password_changed_at else ""


@use_case
def sign_up(email: str, password: str, full_name: str, locale: str | None = None) -> User | None:
    """Create an unconfirmed member and send the confirmation link; None when the address is taken.

    A taken address (members and staff alike) gets an e-mail telling its owner that someone tried,
    and the caller answers as for a new one, so sign-up reveals nobody's address.
    """
    email = email.strip().lower()
    password_hash = hash_password(password)  # for a taken address too: the answer takes as long
    existing = find_user_by_email(email)
    if existing is not None:
        _tell_owner_of_sign_up_attempt(existing)
        return None
    user = User(email=email, password_hash=password_hash, full_name=full_name.strip(), role="member", locale=locale)
    db.session.add(user)
    try:
        flush()
    except IntegrityError as exc:  # a double click racing itself
        raise EmailTaken() from exc
    _send_confirmation(user)
    return user


def _tell_owner_of_sign_up_attempt(user: User) -> None:
    if not user.is_active:
        return  # a disabled account gets no mail, as with a reset link
    outbox.enqueue("signup_attempt", user.email, {
        "name": user.first_name, "login_link": public_url(url_for("auth.login", _external=False)),
        "reset_link": public_url(url_for("auth.reset_request", _external=False))}, locale=user.locale)


def _send_confirmation(user: User) -> None:
    token = make_token("confirm", {"uid": user.id, "email": user.email})
    outbox.enqueue("confirm_email", user.email, {"name": user.first_name, "link": public_link("auth.confirm", token)},
                   locale=user.locale)


@use_case
def resend_confirmation(user: User) -> None:
    """Send a new confirmation link."""
    _send_confirmation(user)


@use_case
def confirm_email(token: str) -> tuple[User, bool]:
    """Mark the e-mail confirmed; True the first time (the link then logs in); raises TokenExpired/TokenInvalid."""
    data = read_token("confirm", token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or user.email != data.get("email"):
        raise TokenInvalid()
    first = user.email_confirmed_at is None
    if first:
        user.email_confirmed_at = clock.now()
    return user, first and user.is_active


@use_case
def authenticate(email: str, password: str) -> User:
    """Check credentials; raises UnknownEmail, WrongPassword, NotConfirmed (all LoginFailed) or AccountDisabled.

    An unknown address costs the same argon2 verify as a known one, so the time says nothing either.
    """
    user = find_user_by_email(email)
    if user is None:
        verify_nothing(password)
        raise UnknownEmail()
    if not verify_password(user.password_hash, password):
        raise WrongPassword()
    if not user.is_active:
        raise AccountDisabled()
    if user.email_confirmed_at is None:
        raise NotConfirmed(user)
    user.last_login_at = clock.now()
    return user


@use_case
def log_out(user_id: int) -> None:
    """Log-out ends every session of the user, so a copy of this session's cookie opens nothing afterwards."""
    user = db.session.get(User, user_id)
    if user is not None:
        user.revoke_sessions()


@use_case
def log_out_everywhere(user: User) -> int:
    """End every session of the user ("Log ud overalt"); returns the new version for the session that asked."""
    user.revoke_sessions()
    flush()
    return user.session_version


@use_case
def request_password_reset(email: str) -> None:
    """Send a one-time reset link; for an unknown or disabled address nothing is sent, and nothing is said."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = make_token("reset", {"uid": user.id, "fp": password_fingerprint(user)})
    outbox.enqueue("reset_password", user.email, {"name": user.first_name, "link": public_link("auth.reset", token)},
                   locale=user.locale)


def user_for_reset_token(token: str) -> User:
    """The user a reset link belongs to; raises TokenExpired/TokenInvalid."""
    data = read_token("reset", token, current_app.config["RESET_TOKEN_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or data.get("fp") != password_fingerprint(user):
        raise TokenExpired()  # already used: the password has changed since
    return user


@use_case
def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link (which then stops working)."""
    user = user_for_reset_token(token)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = clock.now()
    user.revoke_sessions()  # whoever had the old password (and a session with it) is out
    if user.email_confirmed_at is None:
        user.email_confirmed_at = clock.now()  # the link proved the address
    return user


def unusable_password() -> str:
    """A random password nobody knows, for an account whose owner chooses one through an e-mailed link."""
    return secrets.token_urlsafe(32)


@use_case
def create_staff(email: str, full_name: str, role: str, password: str | None = None) -> User:
    """Create a staff account; without a password, a link to choose one is e-mailed."""
    if role not in STAFF_ROLES:
        raise ValueError(f"unknown staff role {role!r}")
    email = email.strip().lower()
    if find_user_by_email(email):
        raise EmailTaken()
    user = User(email=email, full_name=full_name.strip(), role=role, email_confirmed_at=clock.now(),
                password_hash=hash_password(password or unusable_password()))
    db.session.add(user)
    flush()
    if password is None:
        token = make_token("reset", {"uid": user.id, "fp": password_fingerprint(user)})
        outbox.enqueue("staff_welcome", user.email, {"name": user.first_name, "link": public_link("auth.reset", token)})
    return user


__all__ = ["TokenExpired", "TokenInvalid", "EmailTaken", "LoginFailed", "UnknownEmail", "WrongPassword", "NotConfirmed",
           "AccountDisabled"]

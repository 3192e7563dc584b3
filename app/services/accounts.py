"""Accounts: sign-up, confirmation, log-in, password reset, staff creation."""
from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models.base import utcnow
from app.models.user import STAFF_ROLES, User, find_user_by_email
from app.services import outbox
from app.services.passwords import hash_password, verify_password
from app.services.tokens import TokenExpired, TokenInvalid, make_token, read_token
from app.services.unit_of_work import commit


class EmailTaken(Exception):
    """A user with that e-mail exists."""


class UnknownEmail(Exception):
    """No user with that e-mail."""


class WrongPassword(Exception):
    """The password does not match."""


class AccountDisabled(Exception):
    """The account has been disabled by an administrator."""


def public_link(endpoint: str, token: str) -> str:
    """An absolute link for e-mails, built on PUBLIC_BASE_URL."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(endpoint, token=token, _external=False)


def password_fingerprint(user: User) -> str:
    """Changes whenever the password changes, so a reset link works once."""
    # The reset link dies when the password changes, so it works only once.
    return user.password_changed_at.isoformat() if user.password_changed_at else ""


def sign_up(email: str, password: str, full_name: str, locale: str | None = None) -> User:
    """Create an association member and send the confirmation link."""
    email = email.strip().lower()
    if find_user_by_email(email):
        raise EmailTaken()
    user = User(email=email, password_hash=hash_password(password), full_name=full_name.strip(),
                role="member", locale=locale)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a double click racing itself
        db.session.rollback()
        raise EmailTaken() from exc
    _send_confirmation(user)
    commit()
    return user


def _send_confirmation(user: User) -> None:
    token = make_token("confirm", {"uid": user.id, "email": user.email})
    outbox.enqueue("confirm_email", user.email, {"name": user.first_name, "link": public_link("auth.confirm", token)},
                   locale=user.locale)


def resend_confirmation(user: User) -> None:
    """Send a new confirmation link."""
    _send_confirmation(user)
    commit()


def confirm_email(token: str) -> User:
    """Mark the e-mail confirmed; raises TokenExpired/TokenInvalid."""
    data = read_token("confirm", token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or user.email != data.get("email"):
        raise TokenInvalid()
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        commit()
    return user


def authenticate(email: str, password: str) -> User:
    """Check credentials; raises UnknownEmail, WrongPassword or AccountDisabled."""
    user = find_user_by_email(email)
    if user is None:
        raise UnknownEmail()
    if not verify_password(user.password_hash, password):
        raise WrongPassword()
    if not user.is_active:
        raise AccountDisabled()
    user.last_login_at = utcnow()
    commit()
    return user


def request_password_reset(email: str) -> None:
    """Send a one-time reset link; raises UnknownEmail."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        raise UnknownEmail()
    token = make_token("reset", {"uid": user.id, "fp": password_fingerprint(user)})
    outbox.enqueue("reset_password", user.email, {"name": user.first_name, "link": public_link("auth.reset", token)},
                   locale=user.locale)
    commit()


def user_for_reset_token(token: str) -> User:
    """The user a reset link belongs to; raises TokenExpired/TokenInvalid."""
    data = read_token("reset", token, current_app.config["RESET_TOKEN_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or data.get("fp") != password_fingerprint(user):
        raise TokenExpired()  # already used: the password has changed since
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link (which then stops working)."""
    user = user_for_reset_token(token)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()  # the link proved the address
    commit()
    return user


def create_staff(email: str, full_name: str, role: str, password: str | None = None) -> User:
    """Create a staff account; without a password, a link to choose one is e-mailed."""
    if role not in STAFF_ROLES:
        raise ValueError(f"unknown staff role {role!r}")
    email = email.strip().lower()
    if find_user_by_email(email):
        raise EmailTaken()
    user = User(email=email, full_name=full_name.strip(), role=role, email_confirmed_at=utcnow(),
                password_hash=hash_password(password or make_token("unusable", {"e": email})))
    db.session.add(user)
    db.session.flush()
    if password is None:
        token = make_token("reset", {"uid": user.id, "fp": password_fingerprint(user)})
        outbox.enqueue("staff_welcome", user.email, {"name": user.first_name, "link": public_link("auth.reset", token)})
    commit()
    return user


__all__ = ["TokenExpired", "TokenInvalid", "EmailTaken", "UnknownEmail", "WrongPassword", "AccountDisabled"]

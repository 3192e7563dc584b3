"""Two-factor log-in with TOTP (RFC 6238): enrolment, codes with replay protection, recovery codes.

Staff enrol only through a link e-mailed to their own address (the password alone never shows a secret):
the link works once (its fingerprint covers the pending secret, which using it replaces) and expires
after TWO_FACTOR_ENROL_LINK_MAX_AGE. Secrets are encrypted at rest by the column type (app/secret_box.py).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, column, delete, func, or_, table, update

from app import clock, secret_box
from app.extensions import db
from app.formatting import day
from app.models import RecoveryCode, User
from app.models.user import STAFF_ROLES, find_user_by_email
from app.services.accounts.accounts import public_link
from app.services.accounts.tokens import TokenExpired, TokenInvalid, make_token, read_token
from app.services.delivery import outbox
from app.services.journals import audit as admin_audit
from app.services.journals.audit import SetupError
from app.services.unit_of_work import use_case

RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code copied from paper by hand should not be misread.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_GROUPS, _GROUP_LEN = 3, 5  # about 74 bits: a plain SHA-256 of it cannot be guessed back
ENROL_PURPOSE = "enrol-2fa"
# The users table as stored, without the decrypting column type: key rotation works on the ciphertext.
_STORED = table("users", column("id", Integer), column("totp_secret", String))


class WrongCode(Exception):
    """The code matches neither the authenticator app nor an unused recovery code."""


class ReplayedCode(Exception):
    """The app code is right, but its time step (or a later one) was used already."""


def is_required(user: User) -> bool:
    """TWO_FACTOR_REQUIRED is True (every staff role), False (nobody) or a collection of roles."""
    setting = current_app.config.get("TWO_FACTOR_REQUIRED", True)
    roles = STAFF_ROLES if setting is True else (setting or ())
    return user.role in roles


def needs_second_step(user: User) -> bool:
    """After a correct password: must this user give a code (or enrol) before being logged in?"""
    return user.two_factor_enabled or is_required(user)


def provisioning_uri(user: User) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    issuer = current_app.config.get("TWO_FACTOR_ISSUER") or current_app.config["MUNICIPALITY_NAME"]
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def _enrolment_fingerprint(user: User) -> str:
    """Changes when a link is used (a new pending secret), when the user enrols, and when sessions are revoked."""
    material = f"{user.session_version}|{user.totp_enabled_at}|{user.totp_secret or ''}"
    return hmac.new(current_app.config["SECRET_KEY"].encode(), material.encode(), hashlib.sha256).hexdigest()[:32]


def enrolment_token(user: User) -> str:
    """The token of an enrolment link for `user` as things stand now."""
    return make_token(ENROL_PURPOSE, {"uid": user.id, "fp": _enrolment_fingerprint(user)})


@use_case
def send_enrolment_link(user: User) -> None:
    """E-mail the account's own address a one-time link to set up the authenticator app."""
    token = enrolment_token(user)
    minutes = int(current_app.config["TWO_FACTOR_ENROL_LINK_MAX_AGE"]) // 60
    outbox.enqueue("two_factor_enrol", user.email,
                   {"name": user.first_name, "link": public_link("auth.two_factor_enrol", token), "minutes": minutes},
                   locale=user.locale)


def user_for_enrolment_link(token: str, lock: bool = False) -> User:
    """The user an enrolment link belongs to; raises TokenExpired (too old or used) or TokenInvalid."""
    data = read_token(ENROL_PURPOSE, token, int(current_app.config["TWO_FACTOR_ENROL_LINK_MAX_AGE"]))
    user_id = data.get("uid")
    user = db.session.get(User, user_id, with_for_update=lock, populate_existing=lock) \
        if isinstance(user_id, int) else None
    if user is None or not user.is_active:
        raise TokenInvalid()
    if user.two_factor_enabled or not hmac.compare_digest(str(data.get("fp", "")), _enrolment_fingerprint(user)):
        raise TokenExpired()
    return user


@use_case
def claim_enrolment_link(token: str) -> User:
    """Use an enrolment link (once): a fresh pending secret replaces the one the link's fingerprint covered."""
    user = user_for_enrolment_link(token, lock=True)
    user.totp_secret = pyotp.random_base32()
    return user


@use_case
def start_enrolment(user: User, fresh: bool = False) -> str:
    """The secret to show: a new one when `fresh` (each time the set-up page is shown), else the pending one."""
    if user.two_factor_enabled:
        raise ValueError("already enrolled")
    if fresh or not user.totp_secret:
        user.totp_secret = pyotp.random_base32()  # 160 bits
    return user.totp_secret


@use_case
def confirm_enrolment(user: User, code: str) -> list[str]:
    """Switch two-factor on when `code` matches the new secret; returns fresh recovery codes (shown once)."""
    if user.two_factor_enabled or not user.totp_secret:
        raise WrongCode()
    step = _matching_step(user.totp_secret, code)
    if step is None or not _claim_step(user, step):
        raise WrongCode()
    user.totp_enabled_at = clock.now()
    codes = _replace_recovery_codes(user)
    _tell_the_owner(user)
    return codes


def _tell_the_owner(user: User) -> None:
    """An e-mail in the same commit: whoever enrols with a stolen password is noticed by the real owner."""
    outbox.enqueue("two_factor_enabled", user.email,
                   {"name": user.first_name, "when": day(user.totp_enabled_at)}, locale=user.locale)


@use_case
def verify(user: User, code: str) -> str:
    """Accept an app code or an unused recovery code and record its use; returns "app" or "recovery"."""
    return _accept(user, code)


@use_case
def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """Replace all recovery codes (used or not) with ten new ones, once a current code proves the second factor."""
    if not user.two_factor_enabled:
        raise ValueError("two-factor is not enabled")
    _accept(user, code)
    codes = _replace_recovery_codes(user)
    return codes


def unused_recovery_codes(user: User) -> int:
    """How many recovery codes the user has left."""
    return db.session.scalar(db.select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


@use_case
def disable(user: User, code: str) -> None:
    """Switch two-factor off for a user whose role does not require it; a current code proves the phone."""
    if is_required(user):
        raise ValueError("two-factor is required for this role")
    _accept(user, code)
    _clear(user)


@use_case
def reset(user_id: int, actor: User | None) -> User:
    """An administrator (or `flask reset-2fa`, actor None) removes a user's two-factor: re-enrolment follows."""
    user = db.session.get(User, user_id, with_for_update=True)
    if user is None:
        raise SetupError(_l("Brugeren findes ikke."))
    if not user.two_factor_enabled:
        raise SetupError(_l("%(name)s har ikke slået to-faktor-log-ind til.", name=user.full_name))
    before = {"two_factor_enabled_at": admin_audit.jsonable(user.totp_enabled_at),
              "unused_recovery_codes": unused_recovery_codes(user)}
    _clear(user)
    user.revoke_sessions()  # whoever is logged in with the old phone is out
    admin_audit.record(actor, "user", user.id, "reset_two_factor", before,
                       {"two_factor_enabled_at": None, "unused_recovery_codes": 0})
    return user


@use_case
def reset_by_email(email: str) -> User:
    """The command-line reset for an administrator who is locked out; raises SetupError."""
    user = find_user_by_email(email)
    if user is None:
        raise SetupError(_l("Brugeren findes ikke."))
    return reset(user.id, None)


@use_case
def reencrypt_secrets() -> int:
    """Encrypt every stored secret again with the first key (after a new key was put first); returns how many.

    Works on the stored ciphertext (MultiFernet.rotate), in one commit: a secret no key opens stops it all.
    """
    box = current_app.extensions[secret_box.EXTENSION]
    rows = db.session.execute(db.select(_STORED.c.id, _STORED.c.totp_secret)
                              .where(_STORED.c.totp_secret.is_not(None)).with_for_update()).all()
    for user_id, token in rows:
        db.session.execute(_STORED.update().where(_STORED.c.id == user_id)
                           .values(totp_secret=secret_box.rotate(box, token)))
    db.session.expire_all()  # users loaded before hold the old ciphertext's plain text: the same, but reload
    return len(rows)


def current_code(secret: str, at: float | None = None) -> str:
    """The app code for `secret` now (the demo and tests use it)."""
    return pyotp.TOTP(secret).at(clock.timestamp() if at is None else at)


def _accept(user: User, code: str) -> str:
    """Check a code and mark it used in the unit of work; raises WrongCode or ReplayedCode."""
    if not user.two_factor_enabled:
        raise WrongCode()
    step = _matching_step(user.totp_secret, code)
    if step is not None:
        if not _claim_step(user, step):
            raise ReplayedCode()
        return "app"
    if _use_recovery_code(user, code):
        return "recovery"
    raise WrongCode()


def _clear(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _matching_step(secret: str, code: str) -> int | None:
    """The 30-second step whose code this is, within TWO_FACTOR_VALID_WINDOW steps of now (clock drift)."""
    code = "".join((code or "").split())
    if len(code) != 6 or not (code.isascii() and code.isdigit()):  # "²²²²²²".isdigit() is True
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(clock.timestamp())
    window = current_app.config.get("TWO_FACTOR_VALID_WINDOW", 1)
    for step in range(now - window, now + window + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(user: User, step: int) -> bool:
    """Move totp_last_step forward in one conditional UPDATE, so two requests racing cannot both win."""
    result = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    db.session.expire(user, ["totp_last_step"])
    return True


def _use_recovery_code(user: User, code: str) -> bool:
    result = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=clock.now()).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["-".join("".join(secrets.choice(_ALPHABET) for _ in range(_GROUP_LEN)) for _ in range(_GROUPS))
             for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes)
    return codes


def _hash(code: str) -> str:
    normalised = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()

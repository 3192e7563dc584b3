"""Two-factor log-in with TOTP (RFC 6238): enrolment, codes with replay protection, recovery codes."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, update

from app.extensions import db
from app.models import RecoveryCode, User
from app.models.base import utcnow
from app.models.user import STAFF_ROLES, find_user_by_email
from app.services import admin_audit
from app.services.admin_audit import SetupError
from app.services.unit_of_work import commit

RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code copied from paper by hand should not be misread.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_GROUPS, _GROUP_LEN = 3, 5  # about 74 bits: a plain SHA-256 of it cannot be guessed back


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


def start_enrolment(user: User, fresh: bool = False) -> str:
    """The secret to show: a new one when `fresh` (each time the set-up page is shown), else the pending one."""
    if user.two_factor_enabled:
        raise ValueError("already enrolled")
    if fresh or not user.totp_secret:
        user.totp_secret = pyotp.random_base32()  # 160 bits
        commit()
    return user.totp_secret


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Switch two-factor on when `code` matches the new secret; returns fresh recovery codes (shown once)."""
    if user.two_factor_enabled or not user.totp_secret:
        raise WrongCode()
    step = _matching_step(user.totp_secret, code)
    if step is None or not _claim_step(user, step):
        db.session.rollback()
        raise WrongCode()
    user.totp_enabled_at = utcnow()
    codes = _replace_recovery_codes(user)
    _tell_the_owner(user)
    commit()
    return codes


def _tell_the_owner(user: User) -> None:
    """An e-mail in the same commit: whoever enrols with a stolen password is noticed by the real owner."""
    from app.services import outbox
    from app.services.case_journal_print import local_time
    outbox.enqueue("two_factor_enabled", user.email,
                   {"name": user.first_name, "when": local_time(user.totp_enabled_at)}, locale=user.locale)


def verify(user: User, code: str) -> str:
    """Accept an app code or an unused recovery code and record its use; returns "app" or "recovery"."""
    kind = _accept(user, code)
    commit()
    return kind


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """Replace all recovery codes (used or not) with ten new ones, once a current code proves the second factor."""
    if not user.two_factor_enabled:
        raise ValueError("two-factor is not enabled")
    _accept(user, code)
    codes = _replace_recovery_codes(user)
    commit()
    return codes


def unused_recovery_codes(user: User) -> int:
    """How many recovery codes the user has left."""
    return db.session.scalar(db.select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def disable(user: User, code: str) -> None:
    """Switch two-factor off for a user whose role does not require it; a current code proves the phone."""
    if is_required(user):
        raise ValueError("two-factor is required for this role")
    _accept(user, code)
    _clear(user)
    commit()


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
    admin_audit.record(actor, "user", user.id, "reset_two_factor", before,
                       {"two_factor_enabled_at": None, "unused_recovery_codes": 0})
    commit()
    return user


def reset_by_email(email: str) -> User:
    """The command-line reset for an administrator who is locked out; raises SetupError."""
    user = find_user_by_email(email)
    if user is None:
        raise SetupError(_l("Brugeren findes ikke."))
    return reset(user.id, None)


def current_code(secret: str, at: float | None = None) -> str:
    """The app code for `secret` now (the demo and tests use it)."""
    return pyotp.TOTP(secret).at(time.time() if at is None else at)


def _accept(user: User, code: str) -> str:
    """Check a code and mark it used in the unit of work; raises WrongCode or ReplayedCode."""
    if not user.two_factor_enabled:
        raise WrongCode()
    step = _matching_step(user.totp_secret, code)
    if step is not None:
        if not _claim_step(user, step):
            db.session.rollback()
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
    now = totp.timecode(time.time())
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
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
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

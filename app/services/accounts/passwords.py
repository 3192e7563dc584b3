"""Argon2 password hashing."""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # tests only
_DEFAULT = PasswordHasher()
_DUMMY_HASHES: dict[bool, str] = {}  # per hasher, made on first use (no work at import time)


def _hasher() -> PasswordHasher:
    return _FAST if current_app.config.get("ARGON2_FAST") else _DEFAULT


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches; never raises for a wrong one."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_nothing(password: str) -> None:
    """Spend the time of a verify for an address without a user, so the answer's timing says nothing."""
    fast = bool(current_app.config.get("ARGON2_FAST"))
    if fast not in _DUMMY_HASHES:
        _DUMMY_HASHES[fast] = _hasher().hash(secrets.token_urlsafe(16))
    verify_password(_DUMMY_HASHES[fast], password)

"""Encryption at rest for small secrets (TOTP keys) with Fernet; rotatable through a list of keys.

TOTP_ENCRYPTION_KEYS is a list of Fernet keys: the first encrypts, any of them decrypts, so a new key
goes first and the old one stays until `flask rotate-totp-key` has re-encrypted every secret. On the
embedded SQLite database alone (development, tests) a key derived from SECRET_KEY stands in when none
is configured; anywhere else the app refuses to start without one (app/__init__.py).
"""
from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

EXTENSION = "secret_box"
FERNET_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte 0x80 and a 64-bit timestamp)


class SecretUnreadable(RuntimeError):
    """A stored secret was encrypted with a key that is no longer in TOTP_ENCRYPTION_KEYS."""


def derived_key(secret_key: str) -> str:
    """A Fernet key made from SECRET_KEY: for the embedded SQLite database only."""
    digest = hashlib.sha256(b"foreningsstotte-totp-key:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def parse_keys(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """'k1,k2' or a list of keys → a tuple of keys, blanks dropped."""
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    return tuple(k.strip() for k in items if k and k.strip())


def box_for(keys: Iterable[str]) -> MultiFernet:
    """A MultiFernet over `keys`; raises ValueError naming the bad one when a key is not a Fernet key."""
    fernets = []
    for number, key in enumerate(keys, 1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"TOTP_ENCRYPTION_KEYS: key {number} is not a Fernet key "
                             "(32 url-safe base64-encoded bytes; make one with "
                             "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`)"
                             ) from exc
    if not fernets:
        raise ValueError("TOTP_ENCRYPTION_KEYS is empty")
    return MultiFernet(fernets)


def encrypt(box: MultiFernet, plain: str) -> str:
    """Ciphertext (a Fernet token, ASCII) of `plain`, with the first key."""
    return box.encrypt(plain.encode()).decode("ascii")


def decrypt(box: MultiFernet, token: str) -> str:
    """The plain text of a token made with any of the keys; raises SecretUnreadable otherwise."""
    try:
        return box.decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise SecretUnreadable("a stored TOTP secret cannot be decrypted with any key in TOTP_ENCRYPTION_KEYS") from exc


def rotate(box: MultiFernet, token: str) -> str:
    """The same secret encrypted with the first key (raises SecretUnreadable if no key opens it)."""
    try:
        return box.rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError) as exc:
        raise SecretUnreadable("a stored TOTP secret cannot be decrypted with any key in TOTP_ENCRYPTION_KEYS") from exc


def is_encrypted(value: str) -> bool:
    """True for a Fernet token, False for a plain base32 secret (which never starts with 'g')."""
    return value.startswith(FERNET_PREFIX)

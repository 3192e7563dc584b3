"""Signed, expiring token links (e-mail confirmation, password reset)."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from app import clock


class TokenInvalid(Exception):
    """The link is malformed or tampered with."""


class TokenExpired(Exception):
    """The link was valid but is too old."""


class _ClockSigner(TimestampSigner):
    """Signs and ages links by the app's clock, so a test (or the demo) that moves the clock moves the links too."""

    def get_timestamp(self) -> int:
        return int(clock.timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"foreningsstotte-{purpose}",
                                  signer=_ClockSigner)


def make_token(purpose: str, data: dict) -> str:
    """Sign `data` for one purpose."""
    return _serializer(purpose).dumps(data)


def read_token(purpose: str, token: str, max_age: int) -> dict:
    """Verify and return the data, or raise TokenExpired / TokenInvalid."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenExpired() from exc
    except BadSignature as exc:
        raise TokenInvalid() from exc
    if not isinstance(data, dict):
        raise TokenInvalid()
    return data

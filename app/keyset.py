"""Opaque keyset cursors for keyset pagination (the queue, the read log): (sort, phase, key values) as URL-safe base64 JSON."""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import date, datetime


def encode(sort: str, phase: int, values: tuple) -> str:
    """An opaque, URL-safe token for 'the page after this row'."""
    plain = [v.isoformat() if isinstance(v, (date, datetime)) else v for v in values]
    raw = json.dumps([sort, phase, plain], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str | None, sort: str, phase_keys: Sequence[tuple]) -> tuple[int, tuple] | None:
    """(phase, typed key values), or None when the token is missing, made for another sort or tampered with."""
    if not token or len(token) > 1000:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        token_sort, phase, values = json.loads(raw)
        if token_sort != sort or not isinstance(phase, int) or not 0 <= phase < len(phase_keys):
            return None
        keys = phase_keys[phase]
        if not isinstance(values, list) or len(values) != len(keys):
            return None
        return phase, tuple(_typed(key, value) for key, value in zip(keys, values))
    except (ValueError, TypeError, binascii.Error):
        return None


def _python_type(key) -> type:
    try:
        return key.type.python_type
    except NotImplementedError:  # a TypeDecorator (UTCDateTime) answers through its implementation
        return key.type.impl_instance.python_type


def _typed(key, value):
    kind = _python_type(key)
    if kind is datetime:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("naive datetime")
        return parsed
    if kind is date:
        return date.fromisoformat(value)
    if kind is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError("not an int")
        return value
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value

"""Column types shared by the models (column defaults for "now" are `app.clock.now`)."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import DateTime, String, TypeDecorator

from app import secret_box


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on PostgreSQL and SQLite alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class EncryptedString(TypeDecorator):
    """A string stored encrypted (Fernet, keys from TOTP_ENCRYPTION_KEYS); Python sees the plain text.

    The key ring is the app's (create_app builds it), so rows are written and read only inside an app context.
    """

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: object) -> str | None:
        if value is None:
            return None
        return secret_box.encrypt(current_app.extensions[secret_box.EXTENSION], value)

    def process_result_value(self, value: str | None, dialect: object) -> str | None:
        if value is None:
            return None
        return secret_box.decrypt(current_app.extensions[secret_box.EXTENSION], value)

"""Logout tokens already acted on (OpenID Connect Back-Channel Logout 1.0, § 2.6): a `jti` is used once."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime


class UsedLogoutToken(db.Model):
    """A logout token's `jti`, kept until the token would have expired anyway (then a replay fails on `exp`)."""

    __tablename__ = "oidc_used_logout_tokens"

    jti: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

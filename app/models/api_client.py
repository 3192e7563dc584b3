"""Integration clients of /api/v1 (OAuth 2.0 client credentials) and the short-lived tokens they are given."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime

# What a client may be allowed; a token carries a subset. Reading never lets a client write: cases:write (the
# ESDH's journal number and incoming documents) and payouts:write (the finance system's answers) are their own;
# payouts:read lets a reporting system see plans and batches; events:read the feed /events.
SCOPES = ("cases:read", "cases:write", "documents:read", "payouts:read", "payouts:write", "bookings:read",
          "events:read")
DEFAULT_RATE_PER_MINUTE = 120


class ApiClient(db.Model):
    """A system that reads the API (ESDH, finance, a booking screen); registered by an administrator."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)  # public, sent with the secret
    secret_hash: Mapped[str] = mapped_column(String(255))  # argon2id, like a password; the secret is shown once
    scopes: Mapped[str] = mapped_column(String(255), default="")  # space-separated, a subset of SCOPES
    rate_per_minute: Mapped[int] = mapped_column(default=DEFAULT_RATE_PER_MINUTE)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])  # noqa: F821

    @property
    def scope_list(self) -> list[str]:
        """The allowed scopes in the order of SCOPES."""
        mine = set(self.scopes.split())
        return [s for s in SCOPES if s in mine]

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ApiToken(db.Model):
    """A bearer token issued to a client; only its SHA-256 is stored (a random 42-character token needs no slow hash)."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_client_expires", "client_id", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(255), default="")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    client: Mapped[ApiClient] = relationship()


class ApiCall(db.Model):
    """The journal of every call to /api/v1, refused ones too: who, which operation, its answer, when. Append-only.

    `client_id` is a registered client when one is known (a token it was issued, or a token request naming it);
    `named_client_id` keeps, as text, the id a token request named when no client has it. Never a secret or token.
    """

    __tablename__ = "api_calls"
    __table_args__ = (Index("ix_api_calls_client_time", "client_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("api_clients.id", ondelete="RESTRICT"))
    named_client_id: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(8))
    endpoint: Mapped[str] = mapped_column(String(80))
    path: Mapped[str] = mapped_column(String(300))
    status: Mapped[int] = mapped_column(default=200, server_default="200")
    problem: Mapped[str | None] = mapped_column(String(40))  # invalid_token, insufficient_scope, not_found, ...
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    @property
    def is_refused(self) -> bool:
        return self.status >= 400

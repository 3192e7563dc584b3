"""Users: association members and staff."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db, login_manager
from app.models.base import EncryptedString, UTCDateTime

STAFF_ROLES = ("caseworker", "committee_member", "administrator")
ROLES = ("member",) + STAFF_ROLES


class User(UserMixin, db.Model):
    """A person who logs in. `role` is 'member' for association people, else a staff role."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('member','caseworker','committee_member','administrator')", name="role"),
        CheckConstraint("email = lower(email)", name="email_lower"),
        Index("ix_users_role_active", "role", "is_active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(32), default="member")
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    # Two-factor log-in (app/services/accounts/two_factor.py): a secret is set while enrolling and kept once
    # confirmed, encrypted at rest (app/secret_box.py); the last accepted 30-second step stops a code from
    # being used twice.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedString())
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None]
    # Every log-in remembers this number in its session; raising it ends every session of the user at their
    # next request (log-out, "log ud overalt", a new password, a 2FA reset, disabling): app/security.py.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set when the account was deleted by its owner or anonymised by the retention rules.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    memberships: Mapped[list["Membership"]] = relationship(back_populates="user")  # noqa: F821

    @property
    def is_staff(self) -> bool:
        """True for caseworkers, committee members and administrators."""
        return self.role in STAFF_ROLES

    @property
    def two_factor_enabled(self) -> bool:
        """True once the user has confirmed an authenticator app."""
        return self.totp_enabled_at is not None

    def revoke_sessions(self) -> None:
        """End every session of this user (each remembers the version it was started with)."""
        self.session_version = (self.session_version or 0) + 1

    @property
    def first_name(self) -> str:
        return self.full_name.split(" ")[0]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login hook: disabled accounts are logged out."""
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


def find_user_by_email(email: str) -> User | None:
    """Case-insensitive look-up (e-mails are stored in lower case)."""
    return db.session.scalar(db.select(User).where(User.email == email.strip().lower()))


__all__ = ["User", "STAFF_ROLES", "ROLES", "find_user_by_email", "func"]


class ExternalIdentity(db.Model):
    """A person's identity at an identity provider that logs them in: MitID / MitID Erhverv through NemLog-in
    (provider "nemlogin", subject the persistent pseudonymous id) or the municipality's own single sign-on
    (provider "oidc", subject the ID token's `sub`). One user may have several; a subject belongs to one user."""

    __tablename__ = "external_identities"
    __table_args__ = (UniqueConstraint("provider", "subject", name="uq_external_identities_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

"""Associations (foreninger), informal groups, memberships and yearly approvals."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime

MEMBERSHIP_ROLES = ("chair", "treasurer", "member")
APPROVAL_REQUEST_STATUSES = ("pending", "approved", "rejected")


class Association(db.Model):
    """A forening (with CVR) or an informal group (with a named contact person)."""

    __tablename__ = "associations"
    __table_args__ = (
        CheckConstraint("is_informal OR cvr IS NOT NULL", name="cvr_or_informal"),
        CheckConstraint("cvr IS NULL OR length(cvr) = 8", name="cvr_length"),
        CheckConstraint("NOT is_informal OR contact_person IS NOT NULL", name="informal_contact"),
        Index("ix_associations_name", "name"),
        Index("ix_associations_updated", "updated_at", "id"),  # the API's list: updated_since and its cursor
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    cvr: Mapped[str | None] = mapped_column(String(8), unique=True)
    is_informal: Mapped[bool] = mapped_column(default=False)
    contact_person: Mapped[str | None] = mapped_column(String(200))
    street: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(4))
    city: Mapped[str | None] = mapped_column(String(100))
    contact_email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    works_with_children: Mapped[bool] = mapped_column(default=False)
    child_certificate_declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    child_certificate_declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)
    # The CVR register (issue 23): when it last answered for this CVR, and what it said then (name, address,
    # status, board), the baseline the nightly sync compares against. Null = not yet checked.
    register_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    register_snapshot: Mapped[dict | None] = mapped_column(JSON)

    memberships: Mapped[list["Membership"]] = relationship(back_populates="association")
    approvals: Mapped[list["AssociationApproval"]] = relationship(
        back_populates="association", order_by="AssociationApproval.year.desc()")

    def approved_for(self, year: int) -> bool:
        """True when approved as folkeoplysende forening for `year`."""
        return any(a.year == year for a in self.approvals)

    def __repr__(self) -> str:
        return f"<Association {self.id} {self.name}>"


class Membership(db.Model):
    """A user's role on an association's board."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "association_id"),
        CheckConstraint("role IN ('chair','treasurer','member')", name="role"),
        Index("ix_memberships_association", "association_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16), default="member")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    user: Mapped["User"] = relationship(back_populates="memberships")  # noqa: F821
    association: Mapped[Association] = relationship(back_populates="memberships")


class AssociationApproval(db.Model):
    """Approval as folkeoplysende forening for one year; the rows are the history."""

    __tablename__ = "association_approvals"
    __table_args__ = (
        UniqueConstraint("association_id", "year"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="CASCADE"))
    year: Mapped[int]
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)

    association: Mapped[Association] = relationship(back_populates="approvals")


class ApprovalRequest(db.Model):
    """An association asks to be approved as folkeoplysende forening for a year; a caseworker answers."""

    __tablename__ = "approval_requests"
    __table_args__ = (
        UniqueConstraint("association_id", "year"),
        CheckConstraint("status IN ('pending','approved','rejected')", name="status"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        Index("ix_approval_requests_status_requested", "status", "requested_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="CASCADE"))
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    message: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)

    association: Mapped[Association] = relationship()
    requested_by: Mapped["User | None"] = relationship(foreign_keys=[requested_by_id])  # noqa: F821


class AssociationEvent(db.Model):
    """The association's own journal (board changes, approvals, declarations). Never updated or deleted."""

    __tablename__ = "association_events"
    __table_args__ = (Index("ix_association_events_association", "association_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="RESTRICT"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON, default=dict)  # facts for the journal line: names, roles, year
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    actor: Mapped["User | None"] = relationship()  # noqa: F821


class AssociationConflict(db.Model):
    """A staff or committee member declared inhabil towards an association as a whole (forvaltningsloven § 3).

    A case has its own declaration (ConflictDeclaration); what has no case yet — the association's annual report,
    its line in a calculated batch — is kept from them by this one, and so are all the association's cases.
    """

    __tablename__ = "association_conflicts"
    __table_args__ = (UniqueConstraint("association_id", "user_id"),
                      CheckConstraint("length(trim(reason)) > 0", name="reason_required"),
                      Index("ix_association_conflicts_user", "user_id", "association_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


REGISTER_CHANGE_STATUSES = ("pending", "applied", "dismissed")


class RegisterChange(db.Model):
    """What the CVR register says differently from what we knew (name, address, status, board), for a
    caseworker to apply or dismiss: the nightly sync never overwrites an association itself."""

    __tablename__ = "register_changes"
    __table_args__ = (
        CheckConstraint("status IN ('pending','applied','dismissed')", name="status"),
        Index("ix_register_changes_association", "association_id", "id"),
        Index("ix_register_changes_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    changes: Mapped[dict] = mapped_column(JSON)  # field -> [what we knew, what the register says now]
    register: Mapped[dict] = mapped_column(JSON)  # the register's whole entry when it was seen
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    association: Mapped[Association] = relationship()
    decided_by: Mapped["User | None"] = relationship()  # noqa: F821

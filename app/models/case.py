"""Cases, their append-only journal and the per-year case number counter."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import EncryptedString, UTCDateTime
from workflows import registry

# The search document of a case: title and every string in the application data, Danish stemming.
# The queue's deadline sort key (app.services.cases.queue.DEADLINE_KEY); migration 0330 spells it the same way.
DEADLINE_SQL = "coalesce(reply_deadline, report_due_on, '9999-12-31')"
CASE_SEARCH_SQL = "(to_tsvector('danish'::regconfig, title::text) || to_tsvector('danish'::regconfig, data))"


class Case(db.Model):
    """One application or booking request moving through its workflow."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint("version > 0", name="version_positive"),
        CheckConstraint("amount_applied IS NULL OR amount_applied >= 0", name="amount_applied_positive"),
        CheckConstraint("recommended_amount IS NULL OR recommended_amount >= 0", name="recommended_positive"),
        CheckConstraint("granted_amount IS NULL OR granted_amount >= 0", name="granted_positive"),
        CheckConstraint("granted_amount IS NULL OR amount_applied IS NULL OR granted_amount <= amount_applied",
                        name="granted_within_applied"),
        # The queue: state, then newest first, keyset on (submitted_at, id).
        # Filters checked on the index entries while the queue reads a state in order (migration 0330).
        Index("ix_cases_state_submitted", "state", "submitted_at", "id",
              postgresql_include=["amount_applied", "reply_deadline", "report_due_on"]),
        # "Unassigned": IS NULL on the assignee index does not keep submitted order, this partial index does.
        # Both assignee indexes carry the deadlines for the overdue count (migration 0490).
        Index("ix_cases_unassigned_state_submitted", "state", "submitted_at", "id",
              postgresql_include=["reply_deadline", "report_due_on"],
              postgresql_where=text("assignee_id IS NULL"), sqlite_where=text("assignee_id IS NULL")),
        Index("ix_cases_pool_state_submitted", "pool_id", "state", "submitted_at", "id"),
        Index("ix_cases_assignee_state_submitted", "assignee_id", "state", "submitted_at", "id",
              postgresql_include=["reply_deadline", "report_due_on"]),
        Index("ix_cases_association_created", "association_id", "created_at"),
        Index("ix_cases_reply_deadline", "reply_deadline"),
        Index("ix_cases_amount_applied", "amount_applied"),
        # The caseworker's queue (app/services/cases/queue.py): amount and association sorts, workflow filter.
        # An amount range is read as a range per state; the included columns let the overdue count and a narrow
        # range's page (then sorted) stay on the index entries (migration 0380).
        Index("ix_cases_state_amount", "state", "amount_applied", "id",
              postgresql_include=["submitted_at", "reply_deadline", "report_due_on"]),
        # An amount filter in submitted order: cases without an amount (premises loans) are not in it, so a state
        # that never has one is not read to its end looking for a match (migration 0380).
        Index("ix_cases_amount_state_submitted", "state", "submitted_at", "id",
              postgresql_include=["amount_applied", "reply_deadline", "report_due_on"],
              postgresql_where=text("amount_applied IS NOT NULL"), sqlite_where=text("amount_applied IS NOT NULL")),
        Index("ix_cases_association_state", "association_id", "state", "id"),
        Index("ix_cases_workflow_state_submitted", "workflow", "state", "submitted_at", "id"),
        Index("ix_cases_state_due", "state", "reply_deadline", "report_due_on", "id"),  # deadlines, index-only
        # The queue's deadline sort, read in order per state (queue.DEADLINE_KEY; migration 0330).
        Index("ix_cases_state_deadline", "state", text(DEADLINE_SQL), "id"),
        Index("ix_cases_updated", "updated_at", "id"),  # the API's case list: updated_since and its cursor
        # Full-text search; PostgreSQL only (SQLite searches with LIKE). The text is PostgreSQL's own spelling.
        Index("ix_cases_search", text(CASE_SEARCH_SQL), postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(16), unique=True)  # given at submission
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id", ondelete="RESTRICT"))
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="RESTRICT"))
    workflow: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(300))
    amount_applied: Mapped[int | None]
    recommended_amount: Mapped[int | None]
    granted_amount: Mapped[int | None]
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reply_deadline: Mapped[date | None]
    report_due_on: Mapped[date | None]
    hearing_confirmed: Mapped[bool] = mapped_column(default=False)
    # The application form version the case was started on (kept when the form changes).
    form_version_id: Mapped[int | None] = mapped_column(ForeignKey("form_versions.id", ondelete="RESTRICT"),
                                                         index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)
    esdh_journal_number: Mapped[str | None] = mapped_column(String(64))  # set by the ESDH through the API
    # Set when the retention rules removed the personal data (app/services/privacy/retention.py).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Optimistic locking: every UPDATE checks and bumps the version.
    __mapper_args__ = {"version_id_col": version}

    pool: Mapped["Pool"] = relationship()  # noqa: F821
    association: Mapped["Association"] = relationship()  # noqa: F821
    assignee: Mapped["User | None"] = relationship(foreign_keys=[assignee_id])  # noqa: F821
    events: Mapped[list["CaseEvent"]] = relationship(
        back_populates="case", order_by="CaseEvent.id", passive_deletes="all")

    @hybrid_method
    def state_has(self, *tags: str) -> bool:
        """Tell whether the case's state carries any of ``tags`` (workflows.TAGS says what each means)."""
        return self.state in registry.states_tagged(*tags, workflow=self.workflow)

    @state_has.expression
    def state_has(cls, *tags: str):
        """The same in SQL: ``Case.state IN`` the states so tagged (a name means the same in every workflow)."""
        return cls.state.in_(registry.states_tagged(*tags))

    @property
    def is_grant(self) -> bool:
        """A grant deals in money (amounts, payments, reports); a premises loan lends rooms."""
        return self.workflow in registry.GRANT_WORKFLOWS


class CaseContactCpr(db.Model):
    """The CPR number an informal group's contact person gave for Digital Post, encrypted at rest.

    A table of its own: loading a case never decrypts it; only the Digital Post delivery reads the value, and pages
    only ask whether a row exists. Deleted when the case's personal data is (app/services/privacy/retention.py).
    """

    __tablename__ = "case_contact_cprs"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    cpr: Mapped[str] = mapped_column(EncryptedString())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class CaseEvent(db.Model):
    """One journal entry: who did what, when, and the state change. Never updated or deleted."""

    __tablename__ = "case_events"
    __table_args__ = (
        Index("ix_case_events_case", "case_id", "id"),
        CheckConstraint("visibility IN ('public','internal')", name="visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # An integration that wrote the entry through the API (actor_id is then empty); migration 0321.
    api_client_id: Mapped[int | None] = mapped_column(ForeignKey("api_clients.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(40))  # transition, note, document, ...
    action: Mapped[str | None] = mapped_column(String(60))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped["User | None"] = relationship()  # noqa: F821
    api_client: Mapped["ApiClient | None"] = relationship()  # noqa: F821


class ConflictDeclaration(db.Model):
    """A staff member or committee member declared inhabil in a case: they may not act on it."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class CaseNumberCounter(db.Model):
    """Last case number issued per year (locked row; numbers never repeat)."""

    __tablename__ = "case_number_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)

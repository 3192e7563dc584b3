"""Application forms: versions of a pool's form, made of steps and fields.

A draft version is edited by administrators; publishing freezes it under a number. Cases keep
the version they were started on, so a later version never changes an existing application.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime

FIELD_KINDS = ("short_text", "long_text", "number", "amount", "date", "yes_no", "single_choice",
               "multiple_choice", "email", "phone", "file", "budget")
# Kinds whose answer can switch another field on (conditional visibility).
CONDITION_KINDS = ("yes_no", "single_choice", "multiple_choice")
CHOICE_KINDS = ("single_choice", "multiple_choice")


class FormVersion(db.Model):
    """One version of a pool's application form; published versions are never changed."""

    __tablename__ = "form_versions"
    __table_args__ = (
        UniqueConstraint("pool_id", "number"),
        CheckConstraint("status IN ('draft','published')", name="status"),
        CheckConstraint("status = 'draft' OR (number IS NOT NULL AND published_at IS NOT NULL)",
                        name="published_numbered"),
        # At most one draft per pool.
        Index("uq_form_versions_draft", "pool_id", unique=True,
              sqlite_where=text("status = 'draft'"), postgresql_where=text("status = 'draft'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id", ondelete="CASCADE"))
    number: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default="draft")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    pool: Mapped["Pool"] = relationship()  # noqa: F821
    steps: Mapped[list["FormStep"]] = relationship(
        back_populates="version", order_by="FormStep.position", cascade="all, delete-orphan")
    fields: Mapped[list["FormField"]] = relationship(
        back_populates="version", cascade="all, delete-orphan")

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


class FormStep(db.Model):
    """A page of the form (e.g. 'Om aktiviteten', 'Budget', 'Bilag')."""

    __tablename__ = "form_steps"
    __table_args__ = (Index("ix_form_steps_version", "version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("form_versions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[FormVersion] = relationship(back_populates="steps")
    fields: Mapped[list["FormField"]] = relationship(
        back_populates="step", order_by="FormField.position", cascade="all, delete-orphan")


class FormField(db.Model):
    """A question on a step. `key` names the answer and stays the same when the form is copied."""

    __tablename__ = "form_fields"
    __table_args__ = (
        UniqueConstraint("version_id", "key"),
        CheckConstraint("kind IN ('short_text','long_text','number','amount','date','yes_no','single_choice',"
                        "'multiple_choice','email','phone','file','budget')", name="kind"),
        CheckConstraint("condition_key IS NULL OR condition_key <> key", name="condition_not_self"),
        Index("ix_form_fields_step", "step_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("form_versions.id", ondelete="CASCADE"))
    step_id: Mapped[int] = mapped_column(ForeignKey("form_steps.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    required: Mapped[bool] = mapped_column(default=False)
    help_text: Mapped[str] = mapped_column(Text, default="")
    choices: Mapped[list] = mapped_column(JSON, default=list)
    condition_key: Mapped[str | None] = mapped_column(String(40))
    condition_value: Mapped[str | None] = mapped_column(String(200))

    version: Mapped[FormVersion] = relationship(back_populates="fields")
    step: Mapped[FormStep] = relationship(back_populates="fields")

"""The yearly cycle of folkeoplysning: reporting campaigns, annual reports, subsidy schemes and their batches.

Most money for folkeoplysende foreninger is calculated, not applied for: each year the associations report
their members, fees, activity hours and premises costs (årlig indberetning); a scheme turns approved reports
into amounts (aktivitetstilskud, lokaletilskud § 25); the committee approves one batch per scheme, and each
association's line becomes a case with its decision, letter and payment plan.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime

# Members are reported by age band and residence; the first four bands are the members under 25.
MEMBER_BANDS = (("0_6", _l("0–6 år")), ("7_12", _l("7–12 år")), ("13_17", _l("13–17 år")),
                ("18_24", _l("18–24 år")), ("25_59", _l("25–59 år")), ("60_plus", _l("60 år og derover")))
UNDER_25 = ("0_6", "7_12", "13_17", "18_24")
RESIDENCES = (("in", _l("bor i kommunen")), ("out", _l("bor uden for kommunen")))
# Premises costs that § 25 and the municipalities' rules count (folkeoplysningsloven § 25, stk. 1).
COST_TYPES = (("rent", _l("Leje")), ("interest", _l("Renter af lån")), ("maintenance", _l("Vedligeholdelse")),
              ("utilities", _l("Varme, el og vand")), ("cleaning", _l("Rengøring")),
              ("insurance", _l("Forsikringer og skatter")))

CAMPAIGN_STATUSES = ("open", "closed")
REPORT_STATUSES = ("draft", "submitted", "questioned", "approved")
SCHEME_KINDS = ("activity", "premises")
BATCH_STATUSES = ("calculated", "on_agenda", "approved", "discarded")


class ReportingCampaign(db.Model):
    """One year's årlig indberetning: opened by the administrator with a deadline."""

    __tablename__ = "reporting_campaigns"
    __table_args__ = (
        CheckConstraint("status IN ('open','closed')", name="status"),
        CheckConstraint("deadline >= opens_on", name="deadline_after_opening"),
        UniqueConstraint("year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]  # the activity year reported on
    opens_on: Mapped[date]
    deadline: Mapped[date]
    status: Mapped[str] = mapped_column(String(8), default="open")
    intro: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    reports: Mapped[list["AnnualReport"]] = relationship(back_populates="campaign")


class AnnualReport(db.Model):
    """An association's report for one campaign: a draft the board shares, then submitted and reviewed."""

    __tablename__ = "annual_reports"
    __table_args__ = (
        UniqueConstraint("campaign_id", "association_id"),
        CheckConstraint("status IN ('draft','submitted','questioned','approved')", name="status"),
        CheckConstraint("paying_members >= 0 AND fee_income >= 0", name="figures_positive"),
        CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name="submitted_at_set"),
        CheckConstraint("status <> 'approved' OR approved_at IS NOT NULL", name="approved_at_set"),
        CheckConstraint("version > 0", name="version_positive"),
        Index("ix_annual_reports_campaign_status", "campaign_id", "status", "id"),
        Index("ix_annual_reports_association", "association_id", "campaign_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("reporting_campaigns.id", ondelete="RESTRICT"))
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    version: Mapped[int] = mapped_column(default=1)
    # {"0_6": {"in": 12, "out": 1}, ...} for every band of MEMBER_BANDS.
    members: Mapped[dict] = mapped_column(JSON, default=dict)
    paying_members: Mapped[int] = mapped_column(default=0)
    fee_income: Mapped[int] = mapped_column(default=0)  # whole kroner, the year's membership fees
    # [{"name": "Svømning for børn", "hours": 120, "premises": "Egen klubhytte"}, ...]
    activities: Mapped[list] = mapped_column(JSON, default=list)
    # {"rent": 24000, "utilities": 8000, ...}: the eligible premises costs by COST_TYPES.
    premises_costs: Mapped[dict] = mapped_column(JSON, default=dict)
    accounts_income: Mapped[int | None]
    accounts_expenses: Mapped[int | None]
    accounts_result: Mapped[int | None]
    accounts_approved_on: Mapped[date | None]  # the board's approval of the accounts (§ 29)
    accounts_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    auditor_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    statutes_changed: Mapped[bool] = mapped_column(default=False)
    statutes_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    board_changes: Mapped[str] = mapped_column(Text, default="")
    question: Mapped[str] = mapped_column(Text, default="")  # the caseworker's latest question
    answer: Mapped[str] = mapped_column(Text, default="")  # the board's answer to it, sent with the report
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    campaign: Mapped[ReportingCampaign] = relationship(back_populates="reports")
    association: Mapped["Association"] = relationship()  # noqa: F821

    __mapper_args__ = {"version_id_col": version}

    def member_count(self, band: str, residence: str) -> int:
        """Members in one age band living in ("in") or outside ("out") the municipality."""
        return int((self.members or {}).get(band, {}).get(residence, 0) or 0)

    @property
    def total_members(self) -> int:
        return sum(self.member_count(band, where) for band, _l in MEMBER_BANDS for where, _r in RESIDENCES)

    @property
    def activity_hours(self) -> int:
        return sum(int(a.get("hours") or 0) for a in (self.activities or []))


class SubsidyScheme(db.Model):
    """A yearly calculated subsidy (aktivitetstilskud or lokaletilskud): its inputs and formula are data.

    The pool gives the budget, the committee, the legal basis and the payment plan; the campaign gives the
    approved reports the formula reads.
    """

    __tablename__ = "subsidy_schemes"
    __table_args__ = (
        CheckConstraint("kind IN ('activity','premises')", name="kind"),
        UniqueConstraint("pool_id"),
        Index("ix_subsidy_schemes_campaign", "campaign_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("reporting_campaigns.id", ondelete="RESTRICT"))
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id", ondelete="RESTRICT"))
    formula: Mapped[dict] = mapped_column(JSON, default=dict)  # validated by services/yearly/formula.py
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    campaign: Mapped[ReportingCampaign] = relationship()
    pool: Mapped["Pool"] = relationship()  # noqa: F821


class SubsidyBatch(db.Model):
    """One calculation of a scheme over the approved reports; the committee approves it as one decision."""

    __tablename__ = "subsidy_batches"
    __table_args__ = (
        CheckConstraint("status IN ('calculated','on_agenda','approved','discarded')", name="status"),
        CheckConstraint("total >= 0 AND total <= budget", name="within_budget"),
        CheckConstraint("proposal IS NULL OR proposal IN ('approve','postpone')", name="proposal"),
        CheckConstraint("status <> 'on_agenda' OR meeting_id IS NOT NULL", name="agenda_has_meeting"),
        CheckConstraint("(settles_batch_id IS NULL) = (settlement_campaign_id IS NULL)", name="settlement_has_campaign"),
        Index("ix_subsidy_batches_meeting", "meeting_id"),
        # A scheme is decided once a year: one approved batch per scheme, and one approved settlement of it.
        Index("uq_subsidy_batches_approved", "scheme_id", unique=True,
              sqlite_where=text("status = 'approved' AND settles_batch_id IS NULL"),
              postgresql_where=text("status = 'approved' AND settles_batch_id IS NULL")),
        Index("uq_subsidy_batches_settled", "settles_batch_id", unique=True,
              sqlite_where=text("status = 'approved' AND settles_batch_id IS NOT NULL"),
              postgresql_where=text("status = 'approved' AND settles_batch_id IS NOT NULL")),
        Index("ix_subsidy_batches_scheme", "scheme_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("subsidy_schemes.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(12), default="calculated")
    formula: Mapped[dict] = mapped_column(JSON, default=dict)  # the formula as calculated (a what-if may differ)
    budget: Mapped[int]
    total: Mapped[int]
    calculated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    calculated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # On a meeting's agenda: the chair records the committee's answer, closing the meeting makes it final.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"))
    proposal: Mapped[str | None] = mapped_column(String(12))  # "approve" or "postpone", by the chair
    proposal_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A settlement: the approved advance batch of a premises scheme, settled against next year's reports.
    settles_batch_id: Mapped[int | None] = mapped_column(ForeignKey("subsidy_batches.id", ondelete="RESTRICT"))
    # The campaign whose reports a settlement reads (the year after the scheme's); None for an advance batch.
    settlement_campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("reporting_campaigns.id", ondelete="RESTRICT"))

    scheme: Mapped[SubsidyScheme] = relationship()
    settles: Mapped["SubsidyBatch | None"] = relationship(remote_side=[id])
    settlement_campaign: Mapped[ReportingCampaign | None] = relationship()

    @property
    def is_settlement(self) -> bool:
        return self.settles_batch_id is not None
    lines: Mapped[list["SubsidyBatchLine"]] = relationship(
        back_populates="batch", order_by="SubsidyBatchLine.id", cascade="all, delete-orphan")


class SubsidyBatchLine(db.Model):
    """One association's amount in a batch, with every step of its calculation (shown in its letter)."""

    __tablename__ = "subsidy_batch_lines"
    __table_args__ = (
        UniqueConstraint("batch_id", "association_id"),
        CheckConstraint("amount >= 0", name="amount_positive"),
        CheckConstraint("advance IS NULL OR advance >= 0", name="advance_positive"),
        Index("ix_subsidy_batch_lines_case", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("subsidy_batches.id", ondelete="CASCADE"))
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="RESTRICT"))
    report_id: Mapped[int] = mapped_column(ForeignKey("annual_reports.id", ondelete="RESTRICT"))
    amount: Mapped[int]
    # [{"code": "per_member", "params": {...}, "amount": 8200}, ...]: services/yearly/formula.py's steps.
    steps: Mapped[list] = mapped_column(JSON, default=list)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    # In a settlement: the amount granted as advance (the case's grant when calculated); `amount` is the final
    # amount and `case_id` the advance's case, which the settlement's decision corrects.
    advance: Mapped[int | None]

    batch: Mapped[SubsidyBatch] = relationship(back_populates="lines")
    association: Mapped["Association"] = relationship()  # noqa: F821
    report: Mapped[AnnualReport] = relationship()

    @property
    def difference(self) -> int:
        """A settlement's final amount less the advance: above 0 is paid in addition, below 0 is overpaid."""
        return self.amount - (self.advance or 0)

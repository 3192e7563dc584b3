"""The caseworker reviews an annual report: asks a question, or approves it, which also decides § 4 approval.

Approving the report for subsidy year Y is how the municipality approves the association as folkeoplysende
forening for Y (folkeoplysningsloven § 4): when the report shows at least 5 paying members, the municipality
has the statutes and the association has a board, an AssociationApproval row for Y is written. Otherwise
the report is still approved (its figures can be used), but no approval is given, and the association is told
why, with appeal guidance (forvaltningsloven §§ 22-25).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import LazyString, lazy_gettext as _l

from app import clock
from app.extensions import db
from app.models import Association, AssociationApproval, AssociationConflict, Document, Membership, User
from app.models.association import ApprovalRequest
from app.models.yearly import AnnualReport
from app.services.associations.associations import record
from app.services.delivery import outbox
from app.services.delivery.letterhead import locale_for
from app.services.delivery.links import public_url
from app.services.cases.guard import conflicted_associations
from app.services.unit_of_work import flush, insert_if_absent, use_case
from app.services.yearly.reports import ReportInvalid, ReportRefused, StaleReport

MIN_PAYING_MEMBERS = 5  # folkeoplysningsloven § 4, stk. 2
REVIEWER_ROLES = ("caseworker", "administrator")


@dataclass(frozen=True)
class Approved:
    """The approved report and what became of § 4: the approval row, or the reasons it was not given."""

    report: AnnualReport
    approval: AssociationApproval | None
    problems: tuple


def inhabil_for(association_id: int, user: User) -> bool:
    """Has `user` declared a conflict of interest towards the association, or in any of its cases?

    An annual report has no case: a declaration in any of the association's cases keeps the official out of its
    report too (forvaltningsloven § 3), and so does one towards the association itself (declare_conflict).
    """
    found = conflicted_associations(user.id).subquery()
    return db.session.scalar(db.select(found.c.association_id).where(found.c.association_id == association_id)
                             .limit(1)) is not None


@use_case
def declare_conflict(report_id: int, user: User, reason: str) -> AssociationConflict:
    """A caseworker declares themself inhabil towards the report's association (and so all its cases)."""
    if user.role not in REVIEWER_ROLES:
        raise ReportRefused(_l("Kun sagsbehandlere kan gøre dette."))
    report = db.session.get(AnnualReport, report_id)
    if report is None:
        raise ReportRefused(_l("Indberetningen findes ikke."))
    if not reason.strip():
        raise ReportInvalid({"reason": _l("Skriv kort, hvorfor du er inhabil.")})
    # Two clicks at once, or a second declaration: the first one stands.
    insert_if_absent(AssociationConflict, {"association_id": report.association_id, "user_id": user.id,
                                           "reason": reason.strip(), "created_at": clock.now()},
                     unique=("association_id", "user_id"))
    record(report.association_id, user, "conflict_declared", year=report.campaign.year)
    return db.session.scalar(db.select(AssociationConflict).where(
        AssociationConflict.association_id == report.association_id, AssociationConflict.user_id == user.id))


def has_statutes(report: AnnualReport) -> bool:
    """The municipality has the statutes: sent with this or an earlier report, or checked at an earlier approval."""
    association_id = report.association_id
    if report.statutes_document_id is not None:
        return True
    if db.session.scalar(db.select(Document.id).where(Document.association_id == association_id,
                                                      Document.kind == "statutes").limit(1)) is not None:
        return True
    return db.session.scalar(db.select(AssociationApproval.id).where(
        AssociationApproval.association_id == association_id,
        AssociationApproval.year < report.campaign.year).limit(1)) is not None


def section4_problems(report: AnnualReport) -> list[LazyString]:
    """Why the report does not carry § 4 approval (empty: it does)."""
    problems = []
    association = db.session.get(Association, report.association_id)
    if association.is_informal:
        problems.append(_l("Uformelle grupper kan ikke godkendes som folkeoplysende forening."))
    if report.paying_members < MIN_PAYING_MEMBERS:
        problems.append(_l("Foreningen har %(n)s betalende medlemmer; der skal være mindst %(min)s.",
                           n=report.paying_members, min=MIN_PAYING_MEMBERS))
    if not has_statutes(report):
        problems.append(_l("Kommunen har ikke foreningens vedtægter."))
    if db.session.scalar(db.select(Membership.id).where(Membership.association_id == association.id,
                                                        Membership.role == "chair").limit(1)) is None:
        problems.append(_l("Foreningen har ingen bestyrelse med en formand."))
    return problems


def _reviewable(report_id: int, user: User, expected_version: int | None) -> AnnualReport:
    if user.role not in REVIEWER_ROLES:
        raise ReportRefused(_l("Kun sagsbehandlere kan gøre dette."))
    report = db.session.get(AnnualReport, report_id, with_for_update=True, populate_existing=True)
    if report is None:
        raise ReportRefused(_l("Indberetningen findes ikke."))
    if inhabil_for(report.association_id, user):
        raise ReportRefused(_l("Du har erklæret dig inhabil i forhold til foreningen eller i en af dens sager og kan "
                               "ikke behandle dens indberetning."))
    if expected_version is not None and report.version != expected_version:
        raise StaleReport()
    if report.status != "submitted":
        raise ReportRefused(_l("Indberetningen venter ikke på behandling lige nu."))
    return report


def _link(report: AnnualReport) -> str:
    return public_url(f"/indberetning/forening/{report.association_id}/{report.campaign_id}")


@use_case
def ask_question(report_id: int, caseworker: User, question: str, expected_version: int | None = None) -> AnnualReport:
    """Send the report back to the board with a question; they answer by changing it and sending it again."""
    question = (question or "").strip()
    if not question:
        raise ReportRefused(_l("Skriv spørgsmålet til foreningen."))
    report = _reviewable(report_id, caseworker, expected_version)
    report.status, report.question = "questioned", question
    record(report.association_id, caseworker, "annual_report_questioned", year=report.campaign.year)
    email = report.association.contact_email
    outbox.enqueue("annual_report_question", email, {
        "association": report.association.name, "year": report.campaign.year, "accounts_year": report.campaign.year - 1,
        "question": question, "link": _link(report)}, locale=locale_for(email))
    return report


@use_case
def approve(report_id: int, caseworker: User, note: str = "", expected_version: int | None = None) -> Approved:
    """Approve the report; with § 4 met, also approve the association as folkeoplysende forening for the year."""
    report = _reviewable(report_id, caseworker, expected_version)
    year = report.campaign.year
    report.status, report.approved_at, report.approved_by_id = "approved", clock.now(), caseworker.id
    record(report.association_id, caseworker, "annual_report_approved", year=year)
    problems = section4_problems(report)
    approval = None if problems else _grant(report, caseworker, note)
    if problems:
        record(report.association_id, caseworker, "approval_not_given", year=year,
               reasons=[str(p) for p in problems])
    _answer_pending_request(report, caseworker, approval, problems)
    _notify(report, approval is not None, note, problems)
    flush()
    return Approved(report, approval, tuple(problems))


def _grant(report: AnnualReport, caseworker: User, note: str) -> AssociationApproval:
    year = report.campaign.year
    approval = db.session.scalar(db.select(AssociationApproval).where(
        AssociationApproval.association_id == report.association_id, AssociationApproval.year == year))
    if approval is None:
        approval = AssociationApproval(association_id=report.association_id, year=year, approved_by_id=caseworker.id,
                                       note=note or str(_l("Godkendt ud fra den årlige indberetning.")))
        db.session.add(approval)
        record(report.association_id, caseworker, "approval_granted", year=year)
    return approval


def _answer_pending_request(report: AnnualReport, caseworker: User, approval, problems) -> None:
    """A request through the old route for the same year is answered by the report, so it does not wait on."""
    request = db.session.scalar(db.select(ApprovalRequest).where(
        ApprovalRequest.association_id == report.association_id, ApprovalRequest.year == report.campaign.year,
        ApprovalRequest.status == "pending").with_for_update())
    if request is None:
        return
    request.status = "approved" if approval is not None else "rejected"
    request.decided_by_id, request.decided_at = caseworker.id, clock.now()
    request.decision_note = " ".join(str(p) for p in problems) or str(_l("Godkendt ud fra den årlige indberetning."))


def _notify(report: AnnualReport, approved: bool, note: str, problems) -> None:
    association = report.association
    reasons = " ".join(str(p) for p in problems)
    outbox.enqueue("approval_decided", association.contact_email, {
        "association": association.name, "year": report.campaign.year, "approved": approved,
        "note": "\n".join(x for x in (note.strip(), reasons) if x), "link": _link(report),
        # A refusal is a decision: it carries appeal guidance (forvaltningsloven § 25).
        "appeal": "" if approved else current_app.config["DEFAULT_APPEAL_TEXT"]},
        locale=locale_for(association.contact_email))

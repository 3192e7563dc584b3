"""The association's report after a grant (afrapportering) and the caseworker's answer to it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import Case, CaseEvent, CaseReport, Membership, User
from app.models.report import AGE_BANDS
from app.services.cases import transitions
from app.services.files import attachments
from app.services.unit_of_work import use_case
from workflows import registry

# The engine's actions this module offers.
REVIEW_ACTIONS = ("request_report", "approve_report", "request_more_report")


class ReportError(Exception):
    """The report cannot be accepted; `code` names the field rule that failed."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ReportInput:
    """What the association typed."""

    activity_text: str
    participants: dict[str, int] = field(default_factory=dict)  # age band -> number
    unused_amount: int = 0
    story_text: str | None = None
    story_consent: bool = False


def needs_story(case: Case) -> bool:
    """New initiatives tell a short public story with their report."""
    return case.workflow == registry.NEW_INITIATIVE


def reports(case_id: int) -> list[CaseReport]:
    """Every report of a case, newest first."""
    return list(db.session.scalars(db.select(CaseReport).where(CaseReport.case_id == case_id)
                                   .options(db.joinedload(CaseReport.accounts_document),
                                            db.joinedload(CaseReport.submitted_by))
                                   .order_by(CaseReport.id.desc())))


def _accounts_on_file(case_id: int) -> bool:
    return db.session.scalar(db.select(CaseReport.id).where(
        CaseReport.case_id == case_id, CaseReport.accounts_document_id.is_not(None)).limit(1)) is not None


def _check(case: Case, data: ReportInput, accounts: FileStorage | None) -> attachments.CheckedFile | None:
    if data.unused_amount > (case.granted_amount or 0):
        raise ReportError("unused_too_high")
    if needs_story(case) and not (data.story_text or "").strip():
        raise ReportError("story_required")
    if accounts is not None and accounts.filename:
        return attachments.check(accounts)  # raises AttachmentRejected with a Danish message
    if not _accounts_on_file(case.id):
        raise ReportError("accounts_required")
    return None


@use_case
def submit_report(case_id: int, user: User, data: ReportInput, accounts: FileStorage | None = None, *,
                  expected_version: int | None = None) -> CaseReport:
    """Use case: store the report and its accounts, and perform the engine's submit_report (one commit).

    The report is committed with the transition, or not at all when the case may not be reported on now
    (TransitionNotAllowed, StaleCase: the unit of work is rolled back).
    """
    case = db.session.get(Case, case_id)
    if case is None:
        raise transitions.CaseNotFound()
    checked = _check(case, data, accounts)
    report = CaseReport(case_id=case.id, submitted_by_id=user.id, activity_text=data.activity_text.strip(),
                        unused_amount=data.unused_amount, story_consent=bool(data.story_consent and needs_story(case)),
                        story_text=(data.story_text or "").strip() or None if needs_story(case) else None,
                        **{f"participants_{band}": int(data.participants.get(band) or 0) for band, _l in AGE_BANDS})
    if checked is not None:
        report.accounts_document = attachments.add_document(
            checked, kind="accounts", uploaded_by=user, case_id=case.id, description="Regnskab til afrapportering")
    db.session.add(report)
    transitions.perform(case.id, "submit_report", user, expected_version=expected_version)
    return report


@use_case
def review(case_id: int, action: str, user: User, *, expected_version: int | None = None,
           comment: str | None = None) -> None:
    """Use case: ask for the report, approve it, or ask for more (which needs a comment)."""
    if action not in REVIEW_ACTIONS:
        raise ReportError("unknown_action")
    comment = (comment or "").strip() or None
    if action == "request_more_report" and comment is None:
        raise ReportError("comment_required")
    transitions.perform(case_id, action, user, expected_version=expected_version,
                        given=transitions.ActionInput(comment=comment))


def _awaiting(today: date, overdue: bool):
    due = Case.report_due_on < today if overdue else db.or_(Case.report_due_on >= today, Case.report_due_on.is_(None))
    return db.select(Case).where(Case.state_has("awaiting_report"), due)


def staff_lists(today: date, limit: int = 200) -> dict[str, list[Case]]:
    """The caseworker's report lists: to review, overdue, and still to come (soonest first)."""
    options = (db.joinedload(Case.association), db.joinedload(Case.pool))
    order = (Case.report_due_on.asc(), Case.id.asc())
    return {
        "review": list(db.session.scalars(db.select(Case).where(Case.state_has("report_received")).options(*options)
                                          .order_by(Case.updated_at, Case.id).limit(limit))),
        "overdue": list(db.session.scalars(_awaiting(today, True).options(*options).order_by(*order).limit(limit))),
        "coming": list(db.session.scalars(_awaiting(today, False).options(*options).order_by(*order).limit(limit))),
    }


def member_cases(user: User, limit: int = 200) -> list[Case]:
    """The member's cases where a report is due or has been sent, newest deadline last."""
    return list(db.session.scalars(
        db.select(Case).join(Membership, Membership.association_id == Case.association_id)
        .where(Membership.user_id == user.id, Case.state_has("awaiting_report", "report_received"))
        .options(db.joinedload(Case.association), db.joinedload(Case.pool))
        .order_by(Case.report_due_on, Case.id).limit(limit)))


def published_stories(limit: int = 20) -> list[CaseReport]:
    """New initiatives' stories the association agreed to publish, on reports the caseworker approved.

    The approve_report action in the journal is what makes the latest report's story public (so a story
    approved from the case page counts too); the workflow needs no effect for it.
    """
    approved = db.select(CaseEvent.id).where(CaseEvent.case_id == CaseReport.case_id,
                                             CaseEvent.action == "approve_report").exists()
    latest = db.select(db.func.max(CaseReport.id)).group_by(CaseReport.case_id)
    return list(db.session.scalars(
        db.select(CaseReport).join(Case, Case.id == CaseReport.case_id)
        .where(CaseReport.id.in_(latest), CaseReport.story_consent.is_(True), CaseReport.story_text.is_not(None),
               Case.workflow == registry.NEW_INITIATIVE, approved)
        .options(db.joinedload(CaseReport.case).joinedload(Case.association),
                 db.joinedload(CaseReport.case).joinedload(Case.pool))
        .order_by(CaseReport.submitted_at.desc()).limit(limit)))

"""The association's annual report (årlig indberetning): one draft the board shares, then submitted.

Every board member sees and edits the same row; the row's version catches two people saving at once, so the
second is told and keeps what they typed. A save is checked whole before anything changes: nothing is
half-saved. The caseworker's side (questions, approval, § 4) is in review.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import LazyString, lazy_gettext as _l
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage

from app import clock
from app.extensions import db
from app.formatting import day as day_text, money
from app.models import Association, AssociationEvent, Membership, User
from app.models.yearly import COST_TYPES, MEMBER_BANDS, RESIDENCES, AnnualReport, ReportingCampaign, SubsidyScheme
from app.services.associations.associations import record
from app.services.files import attachments
from app.services.unit_of_work import flush, insert_if_absent, use_case
from app.services.yearly.formula import started_months_late

ACTIVITY_ROWS = 6
MAX_NUMBER = 100_000_000
# The uploaded documents: the form field's stem -> the report's column and the Document kind.
FILES = {"accounts": ("accounts_document_id", "annual_accounts"),
         "auditor": ("auditor_document_id", "auditor_statement"),
         "statutes": ("statutes_document_id", "statutes")}
EDITABLE = ("draft", "questioned")


class ReportInvalid(Exception):
    """The report does not hold; `errors` maps a form field's name to a Danish message."""

    def __init__(self, errors: dict[str, LazyString | str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


class ReportRefused(Exception):
    """The user may not do this now; `message` is a Danish sentence."""

    def __init__(self, message: LazyString | str) -> None:
        super().__init__(str(message))
        self.message = message


class StaleReport(Exception):
    """Someone else changed the report since the form was shown."""


@dataclass(frozen=True)
class ReportInput:
    """What the board typed; numbers are None when left empty (read as 0, except where submission needs them)."""

    members: dict = field(default_factory=dict)  # {band: {"in": n, "out": n}}
    paying_members: int | None = None
    fee_income: int | None = None
    activities: tuple = ()  # ({"name": str, "hours": int | None, "premises": str}, ...)
    premises_costs: dict = field(default_factory=dict)  # {cost type: kroner}
    accounts_income: int | None = None
    accounts_expenses: int | None = None
    accounts_result: int | None = None
    accounts_approved_on: date | None = None
    statutes_changed: bool = False
    board_changes: str = ""
    answer: str = ""  # the answer to the caseworker's question (only while the report is questioned)


# --- reading -----------------------------------------------------------------------------------------------

def find(campaign_id: int, association_id: int) -> AnnualReport | None:
    """The association's report for the campaign, if one was started."""
    return db.session.scalar(db.select(AnnualReport).where(
        AnnualReport.campaign_id == campaign_id, AnnualReport.association_id == association_id))


def history(association_id: int) -> list[AnnualReport]:
    """The association's reports, newest subsidy year first (one a year)."""
    return list(db.session.scalars(db.select(AnnualReport).join(ReportingCampaign).where(
        AnnualReport.association_id == association_id).order_by(ReportingCampaign.year.desc())))


def campaign_reports(campaign_id: int, status: str | None = None, after_id: int = 0,
                     limit: int = 50) -> list[AnnualReport]:
    """A page of the campaign's reports in id order (keyset: pass the last id seen as `after_id`)."""
    query = db.select(AnnualReport).where(AnnualReport.campaign_id == campaign_id, AnnualReport.id > after_id)
    if status:
        query = query.where(AnnualReport.status == status)
    return list(db.session.scalars(query.options(db.joinedload(AnnualReport.association))
                                   .order_by(AnnualReport.id).limit(limit)))


def is_on_board(association_id: int, user: User) -> bool:
    """Every seat (chair, treasurer, member) is a seat on the board, and the board reports."""
    return db.session.scalar(db.select(Membership.id).where(
        Membership.association_id == association_id, Membership.user_id == user.id)) is not None


def months_late(report: AnnualReport, today: date | None = None) -> int:
    """Started months after the deadline at first submission (not submitted yet: as of today); 0 when on time."""
    day = clock.local(report.submitted_at).date() if report.submitted_at else (today or clock.today())
    return started_months_late(report.campaign.deadline, day)


def late_twelfths(campaign: ReportingCampaign) -> int:
    """The largest late deduction (twelfths per started month) among the campaign's subsidy schemes; 0 if none."""
    formulas = db.session.scalars(db.select(SubsidyScheme.formula).where(SubsidyScheme.campaign_id == campaign.id))
    return max((int((f or {}).get("late_twelfths") or 0) for f in formulas), default=0)


# --- checking ----------------------------------------------------------------------------------------------

def member_field(band: str, residence: str) -> str:
    return f"members_{band}_{residence}"


def _number_errors(data: ReportInput) -> dict[str, LazyString]:
    negative = _l("Tallet kan ikke være negativt.")
    numbers = {member_field(b, r): (data.members.get(b) or {}).get(r) for b, _b in MEMBER_BANDS for r, _r in RESIDENCES}
    numbers.update({"paying_members": data.paying_members, "fee_income": data.fee_income,
                    "accounts_income": data.accounts_income, "accounts_expenses": data.accounts_expenses})
    numbers.update({f"cost_{c}": data.premises_costs.get(c) for c, _c in COST_TYPES})
    numbers.update({f"activity_{i}_hours": a.get("hours") for i, a in enumerate(data.activities)})
    errors = {name: negative for name, value in numbers.items() if value is not None and value < 0}
    too_big = _l("Tallet er for stort.")
    errors.update({name: too_big for name, value in {**numbers, "accounts_result": data.accounts_result}.items()
                   if value is not None and abs(value) > MAX_NUMBER})
    return errors


def _total_members(data: ReportInput) -> int:
    return sum(max((data.members.get(b) or {}).get(r) or 0, 0) for b, _b in MEMBER_BANDS for r, _r in RESIDENCES)


def _consistency_errors(data: ReportInput, errors: dict) -> None:
    total = _total_members(data)
    if "paying_members" not in errors and (data.paying_members or 0) > total:
        errors["paying_members"] = _l("Der kan ikke være flere betalende medlemmer (%(paying)s) end medlemmer i alt "
                                      "(%(total)s).", paying=data.paying_members, total=total)
    figures = (data.accounts_income, data.accounts_expenses, data.accounts_result)
    if None not in figures and not ({"accounts_income", "accounts_expenses", "accounts_result"} & set(errors)):
        expected = data.accounts_income - data.accounts_expenses
        if expected != data.accounts_result:
            errors["accounts_result"] = _l(
                "Regnskabet hænger ikke sammen: indtægter %(income)s minus udgifter %(expenses)s giver "
                "%(expected)s, men resultatet er %(result)s.", income=money(data.accounts_income),
                expenses=money(data.accounts_expenses), expected=money(expected), result=money(data.accounts_result))
    if data.accounts_approved_on and data.accounts_approved_on > clock.today():
        errors["accounts_approved_on"] = _l("Bestyrelsens godkendelse af regnskabet kan ikke ligge i fremtiden.")
    for i, activity in enumerate(data.activities):
        if activity.get("hours") and not activity.get("name"):
            errors.setdefault(f"activity_{i}_name", _l("Skriv aktivitetens navn."))


def _submission_errors(data: ReportInput, report: AnnualReport, uploads: dict, errors: dict) -> None:
    required = _l("Udfyld feltet.")
    for name in ("accounts_income", "accounts_expenses", "accounts_result", "accounts_approved_on"):
        if getattr(data, name) is None:
            errors.setdefault(name, required)
    if data.paying_members is None:
        errors.setdefault("paying_members", required)
    for i, activity in enumerate(data.activities):
        if activity.get("name") and not activity.get("hours"):
            errors.setdefault(f"activity_{i}_hours", _l("Skriv, hvor mange timer aktiviteten havde."))
    if report.status == "questioned" and not data.answer.strip():
        errors.setdefault("answer", _l("Skriv jeres svar på kommunens spørgsmål."))
    messages = {"accounts": _l("Vedhæft regnskabet, godkendt af bestyrelsen, som PDF."),
                "auditor": _l("Vedhæft revisorens erklæring som PDF.")}
    if data.statutes_changed:
        messages["statutes"] = _l("I har ændret vedtægterne: vedhæft de nye vedtægter som PDF.")
    for stem, message in messages.items():
        if uploads.get(stem) is None and getattr(report, FILES[stem][0]) is None:
            errors.setdefault(f"{stem}_file", message)


def _checked_uploads(files: dict[str, FileStorage | None], errors: dict) -> dict[str, attachments.CheckedFile]:
    checked = {}
    for stem in FILES:
        upload = files.get(stem)
        if upload is None or not upload.filename:
            continue
        try:
            file = attachments.check(upload)
        except attachments.AttachmentRejected as exc:
            errors[f"{stem}_file"] = exc.message
            continue
        if file.content_type != "application/pdf":
            errors[f"{stem}_file"] = _l("Filen skal være en PDF.")
            continue
        checked[stem] = file
    return checked


# --- changing ----------------------------------------------------------------------------------------------

def _campaign_open(campaign_id: int) -> ReportingCampaign:
    campaign = db.session.get(ReportingCampaign, campaign_id)
    if campaign is None or campaign.status != "open":
        raise ReportRefused(_l("Indberetningen er lukket."))
    if campaign.opens_on > clock.today():
        raise ReportRefused(_l("Indberetningen åbner %(day)s.", day=day_text(campaign.opens_on)))
    return campaign


def _locked_report(campaign: ReportingCampaign, association: Association, user: User) -> tuple[AnnualReport, bool]:
    """The report row, created on the first save (two board members starting at once share one row)."""
    new = find(campaign.id, association.id) is None
    if new:
        insert_if_absent(AnnualReport, {"campaign_id": campaign.id, "association_id": association.id,
                                        "status": "draft", "version": 1, "updated_by_id": user.id},
                         unique=("campaign_id", "association_id"))
    report = db.session.scalar(db.select(AnnualReport).where(
        AnnualReport.campaign_id == campaign.id, AnnualReport.association_id == association.id)
        .with_for_update().execution_options(populate_existing=True))
    return report, new


@use_case
def save(campaign_id: int, association: Association, user: User, data: ReportInput,
         files: dict[str, FileStorage | None], expected_version: int | None, submit: bool = False) -> AnnualReport:
    """Save the board's draft, and with `submit` send it; raises ReportInvalid, ReportRefused or StaleReport.

    `expected_version` is the version the form was shown with (0: no report existed yet).
    """
    campaign = _campaign_open(campaign_id)
    if association.is_informal:
        raise ReportRefused(_l("Uformelle grupper indberetter ikke."))
    if not is_on_board(association.id, user):
        raise ReportRefused(_l("Kun foreningens bestyrelse kan indberette."))
    report, new = _locked_report(campaign, association, user)
    if expected_version is not None and report.version != expected_version and not (new and expected_version == 0):
        raise StaleReport()
    if report.status not in EDITABLE:
        raise ReportRefused(_l("Indberetningen er sendt og kan ikke ændres nu."))
    errors = _number_errors(data)
    _consistency_errors(data, errors)
    checked = _checked_uploads(files, errors)
    if submit:
        _submission_errors(data, report, checked, errors)
    if errors:
        raise ReportInvalid(errors)
    _apply(report, data, user)
    for stem, file in checked.items():
        _attach(report, stem, file, user)
    if new:
        record(association.id, user, "annual_report_started", year=campaign.year)
    if submit:
        _submit(report, campaign, user)
    try:
        flush()
    except StaleDataError as exc:  # SQLite has no row locks: the other save won
        raise StaleReport() from exc
    return report


def _apply(report: AnnualReport, data: ReportInput, user: User) -> None:
    report.members = {b: {r: max((data.members.get(b) or {}).get(r) or 0, 0) for r, _r in RESIDENCES}
                      for b, _b in MEMBER_BANDS}
    report.paying_members, report.fee_income = data.paying_members or 0, data.fee_income or 0
    report.activities = [{"name": a["name"].strip(), "hours": a.get("hours") or 0, "premises": (a.get("premises") or "").strip()}
                         for a in data.activities if (a.get("name") or "").strip()]
    report.premises_costs = {c: data.premises_costs.get(c) or 0 for c, _c in COST_TYPES}
    report.accounts_income, report.accounts_expenses = data.accounts_income, data.accounts_expenses
    report.accounts_result, report.accounts_approved_on = data.accounts_result, data.accounts_approved_on
    report.statutes_changed, report.board_changes = data.statutes_changed, data.board_changes.strip()
    if report.status == "questioned":
        report.answer = data.answer.strip()
    report.updated_at, report.updated_by_id = clock.now(), user.id
    flag_modified(report, "members")  # every save moves the version on, so a form shown before it is stale


def _attach(report: AnnualReport, stem: str, file: attachments.CheckedFile, user: User) -> None:
    column, kind = FILES[stem]
    document = attachments.add_document(file, kind=kind, uploaded_by=user, association_id=report.association_id,
                                        description=f"{kind} {report.campaign.year}")
    flush()
    setattr(report, column, document.id)


def _submit(report: AnnualReport, campaign: ReportingCampaign, user: User) -> None:
    answered = report.status == "questioned"
    report.status = "submitted"
    if report.submitted_at is None:  # lateness counts from the first submission, not from an answer
        report.submitted_at, report.submitted_by_id = clock.now(), user.id
    record(report.association_id, user, "annual_report_answered" if answered else "annual_report_submitted",
           year=campaign.year, months_late=months_late(report))


def journal(association_id: int, year: int) -> list[AssociationEvent]:
    """The association's journal lines about one subsidy year's report and approval, oldest first."""
    events = db.session.scalars(db.select(AssociationEvent).where(
        AssociationEvent.association_id == association_id,
        AssociationEvent.action.in_(JOURNAL_ACTIONS)).order_by(AssociationEvent.id))
    return [e for e in events if (e.data or {}).get("year") == year]


JOURNAL_ACTIONS = ("annual_report_started", "annual_report_submitted", "annual_report_questioned",
                   "annual_report_answered", "annual_report_approved", "approval_granted", "approval_not_given")

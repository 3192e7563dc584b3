"""Everything we hold about a person or an association as one ZIP: data.json plus the files (GDPR art. 15/20).

The ZIP is written to a temporary file and stored files are copied in chunks (no large file in memory).
File names inside are generated (numbered, cleaned); what a user called a file is only in data.json.
Members get what the party would get in a case export: public journal entries, sent letters only, no
internal documents or notes (forvaltningsloven § 12, offentlighedsloven §§ 23-24).
"""
from __future__ import annotations

import json
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO

from flask import current_app

from app import clock
from app.extensions import db
from app.models import (AllocationWish, ApprovalRequest, Association, AssociationApproval, AssociationEvent, Booking,
                        BookingRequest, Case, CaseEvent, CaseReport, Decision, Document, ExternalIdentity, Invitation,
                        Membership, OutboxMessage, PaymentBatchLine, PaymentInstalment, RepaymentClaim, SignInEvent,
                        User)
from app.services.cases.export import add_stored, safe_name, visible_to_party
from app.services.journals import audit as admin_audit, read_log

DATA_NAME = "data.json"
# Never exported: secrets and internal storage details.
SECRET_COLUMNS = frozenset({"password_hash", "totp_secret", "totp_last_step", "storage_key", "token", "payload",
                            "code_hash", "cpr"})
# The case columns a party sees. Not the caseworker's recommended amount (an internal working figure,
# offentlighedsloven § 23), the hearing flag, the assignee or internal bookkeeping columns.
PARTY_CASE_COLUMNS = ("id", "number", "pool_id", "association_id", "workflow", "state", "title", "amount_applied",
                      "granted_amount", "data", "created_by_id", "created_at", "submitted_at", "decided_at",
                      "reply_deadline", "report_due_on", "updated_at", "anonymised_at")
# What a former board member gets of a case they created: that it exists and when, not its content today.
CONTRIBUTED_CASE_COLUMNS = ("id", "number", "title", "created_at", "submitted_at", "decided_at")


@dataclass
class DataExport:
    """The finished ZIP (a rewound temporary file) and the name to offer the browser."""

    file: IO[bytes]
    download_name: str


def _json_default(value: object) -> object:
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def row(obj: object, exclude: tuple[str, ...] = ()) -> dict:
    """Every column of a model row except secrets and `exclude`."""
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns
            if c.key not in SECRET_COLUMNS and c.key not in exclude}


def _all(stmt) -> list:
    return list(db.session.scalars(stmt))


def case_data(case: Case) -> tuple[dict, list[Document]]:
    """One case as the party sees it: application, sent decisions, payouts, reports, bookings, journal."""
    sent = _all(db.select(Decision).where(Decision.case_id == case.id, Decision.letter_available_at.is_not(None))
                .order_by(Decision.id))
    request = db.session.scalar(db.select(BookingRequest).where(BookingRequest.case_id == case.id))
    instalments = _all(db.select(PaymentInstalment).where(PaymentInstalment.case_id == case.id)
                       .order_by(PaymentInstalment.position))
    events = _all(db.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.visibility == "public")
                  .order_by(CaseEvent.id))
    docs = visible_to_party(case)  # not internal; letters once sent
    out = {
        **{key: getattr(case, key) for key in PARTY_CASE_COLUMNS},
        "pool": {"id": case.pool.id, "name": case.pool.name, "year": case.pool.year},
        "decisions": [row(d, exclude=("letter_document_id", "meeting_id")) for d in sent],
        "payouts": [{**row(i, exclude=("batch_id", "created_by_id")),
                     "payment_lines": [row(line, exclude=("batch_id",)) for line in _all(
                         db.select(PaymentBatchLine).where(PaymentBatchLine.instalment_id == i.id))]}
                    for i in instalments],
        "reports": [row(r) for r in _all(db.select(CaseReport).where(CaseReport.case_id == case.id))],
        "repayment_claims": [row(c) for c in _all(db.select(RepaymentClaim).where(RepaymentClaim.case_id == case.id))],
        "booking_request": row(request) if request else None,
        "bookings": [row(b) for b in _all(db.select(Booking).where(Booking.case_id == case.id)
                                          .order_by(Booking.starts_at))],
        "journal": [{**row(e, exclude=("case_id",)), "actor": e.actor.full_name if e.actor else None} for e in events],
        "document_ids": [d.id for d in docs],
    }
    return out, docs


def contributed_case_data(case: Case, user: User) -> tuple[dict, list[Document]]:
    """A case of an association the user has left: its number, title and dates, their own files and entries."""
    docs = _all(db.select(Document).where(Document.case_id == case.id, Document.uploaded_by_id == user.id,
                                          Document.direction == "in").order_by(Document.id))
    events = _all(db.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.actor_id == user.id)
                  .order_by(CaseEvent.id))
    out = {**{key: getattr(case, key) for key in CONTRIBUTED_CASE_COLUMNS},
           "journal": [row(e, exclude=("case_id",)) for e in events], "document_ids": [d.id for d in docs]}
    return out, docs


def user_data(user: User) -> tuple[dict, list[Document]]:
    """A person: profile, board seats, their applications, what they did and what was sent to them.

    A case they created is exported in full only while they sit on the association's board; after they
    left, the case is the association's, and they get only what they contributed to it.
    """
    cases = _all(db.select(Case).where(Case.created_by_id == user.id).order_by(Case.id))
    seated = set(db.session.scalars(db.select(Membership.association_id).where(Membership.user_id == user.id)))
    case_rows, docs = [], []
    for case in cases:
        data, case_docs = case_data(case) if case.association_id in seated else contributed_case_data(case, user)
        case_rows.append(data)
        docs.extend(case_docs)
    uploaded = _all(db.select(Document).where(Document.uploaded_by_id == user.id, Document.direction == "in"))
    docs.extend(d for d in uploaded if d.id not in {x.id for x in docs})
    out = {
        "profile": {**row(user), "two_factor_enabled": bool(getattr(user, "totp_enabled_at", None))},
        "external_identities": [row(i) for i in _all(db.select(ExternalIdentity).where(
            ExternalIdentity.user_id == user.id).order_by(ExternalIdentity.id))],
        "memberships": [{**row(m), "association": _association_summary(m.association)} for m in
                        _all(db.select(Membership).where(Membership.user_id == user.id))],
        "cases": case_rows,
        "journal_entries_by_me": [row(e) for e in _all(db.select(CaseEvent).where(CaseEvent.actor_id == user.id)
                                                          .order_by(CaseEvent.id))],
        "association_journal_by_me": [row(e) for e in _all(db.select(AssociationEvent)
                                                            .where(AssociationEvent.actor_id == user.id))],
        "reports_submitted": [row(r) for r in _all(db.select(CaseReport).where(CaseReport.submitted_by_id == user.id))],
        "invitations_sent": [row(i) for i in _all(db.select(Invitation).where(Invitation.invited_by_id == user.id))],
        "invitations_received": [row(i) for i in _all(db.select(Invitation).where(
            (Invitation.email == user.email) | (Invitation.accepted_by_id == user.id)))],
        "messages_sent_to_me": [row(m, exclude=("last_error", "dedup_key")) for m in _all(
            db.select(OutboxMessage).where(OutboxMessage.recipient == user.email).order_by(OutboxMessage.id))],
        "reads_of_my_data": _reads("subject_user_id", user.id),
        "sign_ins": [row(e) for e in _all(db.select(SignInEvent).where(SignInEvent.user_id == user.id)
                                          .order_by(SignInEvent.id))],
    }
    return out, docs


def association_data(association: Association) -> tuple[dict, list[Document]]:
    """An association: profile, approvals, board, invitations, cases, bookings, payouts, its journal."""
    case_rows, docs = [], []
    for case in _all(db.select(Case).where(Case.association_id == association.id, ~Case.state_has("draft"))
                     .order_by(Case.id)):
        data, case_docs = case_data(case)
        case_rows.append(data)
        docs.extend(case_docs)
    docs.extend(_all(db.select(Document).where(Document.association_id == association.id, Document.case_id.is_(None),
                                               Document.direction != "internal")))
    out = {
        "association": row(association),
        "approvals": [row(a) for a in _all(db.select(AssociationApproval)
                                           .where(AssociationApproval.association_id == association.id))],
        "approval_requests": [row(r) for r in _all(db.select(ApprovalRequest)
                                                   .where(ApprovalRequest.association_id == association.id))],
        "board": [{**row(m), "name": m.user.full_name, "email": m.user.email}
                  for m in _all(db.select(Membership).where(Membership.association_id == association.id))],
        "invitations": [row(i) for i in _all(db.select(Invitation).where(Invitation.association_id == association.id))],
        "journal": [row(e) for e in _all(db.select(AssociationEvent)
                                         .where(AssociationEvent.association_id == association.id)
                                         .order_by(AssociationEvent.id))],
        "cases": case_rows,
        "bookings": [row(b) for b in _all(db.select(Booking).where(Booking.association_id == association.id)
                                          .order_by(Booking.starts_at))],
        "allocation_wishes": [row(w) for w in _all(db.select(AllocationWish)
                                                   .where(AllocationWish.association_id == association.id))],
        "reads_of_our_data": _reads("association_id", association.id),
    }
    return out, docs


def _association_summary(association: Association) -> dict:
    return {"id": association.id, "name": association.name, "cvr": association.cvr}


def _reads(column: str, value: int) -> list[dict]:
    """The read log about the subject, when the read log is installed (who read what, and when)."""
    table = db.metadata.tables.get("read_events")
    if table is None:
        return []
    rows = db.session.execute(db.select(table).where(table.c[column] == value).order_by(table.c.id)).mappings()
    return [{k: r[k] for k in ("created_at", "reader_role", "object_type", "object_id", "case_id")} for r in rows]


def build(kind: str, subject_id: int, data: dict, docs: list[Document]) -> DataExport:
    """Write data.json and the files into a temporary ZIP; the files' paths are listed in data.json."""
    unique = list({d.id: d for d in docs}.values())
    names = {d.id: f"filer/{safe_name(d.filename, d.content_type, n)}" for n, d in enumerate(unique, start=1)}
    out = tempfile.TemporaryFile(prefix="dataudtraek-")
    try:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            listed = [{**row(d, exclude=("uploaded_by_id",)), "path": names[d.id] if add_stored(archive, d, names[d.id])
                       else None} for d in unique]
            payload = {"export": {"kind": kind, "id": subject_id, "created_at": clock.now(),
                                  "municipality": current_app.config["MUNICIPALITY_NAME"]},
                       **data, "files": listed}
            archive.writestr(DATA_NAME, json.dumps(payload, ensure_ascii=False, indent=2, default=_json_default))
    except BaseException:
        out.close()
        raise
    out.seek(0)
    stamp = clock.today().strftime("%Y%m%d")
    return DataExport(out, re.sub(r"[^0-9A-Za-z-]", "-", f"data-{kind}-{subject_id}-{stamp}") + ".zip")



def export_user(user: User) -> DataExport:
    """The ZIP about one person."""
    data, docs = user_data(user)
    return build("bruger", user.id, data, docs)


def export_association(association: Association) -> DataExport:
    """The ZIP about one association."""
    data, docs = association_data(association)
    return build("forening", association.id, data, docs)


def export_user_for(actor: User, user: User) -> DataExport:
    """Use case: a person's ZIP; an administrator's export of someone else is journalised first."""
    export = export_user(user)
    if actor.id != user.id:
        # The journal row and the person's read log ("Hvem har set mine oplysninger") in one commit.
        try:
            with read_log.logged_read():
                admin_audit.record(actor, "user", user.id, "export")
                read_log.add_read(actor, "user", user.id, subject_user_id=user.id)
        except BaseException:
            export.file.close()
            raise
    return export


def export_association_for(actor: User, association: Association) -> DataExport:
    """Use case: an association's ZIP; a staff member's export is a read of the association's data."""
    export = export_association(association)
    if actor.is_staff:
        try:
            with read_log.logged_read():
                read_log.add_read(actor, "association", association.id, association_id=association.id)
        except BaseException:
            export.file.close()
            raise
    return export

"""The API's further reads: associations, a case's journal, decisions and documents, payment plans and batches,
spaces and bookings. Keyset pages through app/keyset.py (api_reads.Page, BadCursor).

Personal data is logged as read by the client before it is returned (the read log's `logged_read()` commits the
reads and the call together, or nothing is shown): associations and a case's parts as reads of the case or the
association, a document download as a read of the document. Spaces are not personal data; bookings show the
association's name only, as the hall screens do, and are not logged.
"""
from __future__ import annotations

from datetime import datetime

from app.extensions import db
from app.models import (ApiClient, Association, Booking, Case, CaseEvent, Decision, Document, PaymentBatch,
                        PaymentBatchLine, PaymentInstalment, Space)
from app.services.integrations.api_clients import add_call
from app.services.integrations.api_reads import Page, keyset_page
from app.services.journals.read_log import add_client_case_reads, add_client_read, document_subjects, logged_read

ASSOCIATION_FIELDS = ("id", "name", "cvr", "is_informal", "contact_person", "street", "postcode", "city",
                      "contact_email", "phone", "website", "created_at", "updated_at")
DECISION_FIELDS = ("id", "outcome", "amount", "reason", "legal_basis", "delegated", "decided_at", "corrects_id",
                   "letter_document_id", "letter_available_at")
DOCUMENT_FIELDS = ("id", "kind", "direction", "filename", "content_type", "size_bytes", "sha256", "description",
                   "created_at")
EVENT_FIELDS = ("id", "kind", "action", "from_state", "to_state", "comment", "visibility", "created_at")
BATCH_FIELDS = ("id", "status", "due_by", "total_amount", "line_count", "created_at", "sent_at", "paid_at",
                "updated_at")
LINE_FIELDS = ("id", "batch_id", "instalment_id", "case_id", "amount", "case_number", "recipient_name", "cvr",
               "contact_person", "text", "status", "finance_reference", "failure_reason", "settled_at", "updated_at")
INSTALMENT_FIELDS = ("id", "position", "due_on", "amount", "batch_id", "paid_at")
SPACE_FIELDS = ("id", "location_id", "parent_id", "name", "description", "capacity", "step_free",
                "disabled_suited", "bookable_by", "updated_at")
BOOKING_FIELDS = ("id", "space_id", "association_id", "case_id", "title", "starts_at", "ends_at", "status",
                  "updated_at")


def values(row, names: tuple[str, ...]) -> dict:
    """The listed columns as plain values (taken before the read log's commit expires the row)."""
    return {name: getattr(row, name) for name in names}


def _logged(client: ApiClient, call: tuple[str, str, str], reads) -> None:
    with logged_read():
        add_call(client, *call)
        reads()


def associations(client: ApiClient, call: tuple[str, str, str], cursor: str | None, limit: int,
                 updated_since: datetime | None = None) -> Page:
    """Associations that have submitted a case (the others have no business with an integration), by id or by change.

    An association enters this list when its first case is submitted, and is touched then (cases.transitions), so
    `updated_since` finds it.
    """
    with_case = db.select(Case.id).where(Case.association_id == Association.id, Case.submitted_at.is_not(None))
    rows, token = keyset_page(db.select(Association).where(with_case.exists()), Association, "api-associations",
                              cursor, limit, updated_since)
    items = [values(r, ASSOCIATION_FIELDS) for r in rows]
    _logged(client, call, lambda: [add_client_read(client, "association", r["id"], association_id=r["id"])
                                   for r in items])
    return Page(items, token)


def _submitted(case_id: int) -> Case | None:
    return db.session.scalar(db.select(Case).where(Case.id == case_id, Case.submitted_at.is_not(None)))


def case_part(client: ApiClient, call: tuple[str, str, str], case_id: int, part: str) -> list[dict] | None:
    """A submitted case's journal, decisions or documents, oldest first; None when there is no such case."""
    case = _submitted(case_id)
    if case is None:
        return None
    model, names = {"journal": (CaseEvent, EVENT_FIELDS), "decisions": (Decision, DECISION_FIELDS),
                    "documents": (Document, DOCUMENT_FIELDS)}[part]
    items = [values(r, names) for r in db.session.scalars(
        db.select(model).where(model.case_id == case.id).order_by(model.id))]
    if part == "journal":
        items = [{**i, "by_integration": r} for i, r in zip(items, _by_integration(case.id))]
    _logged(client, call, lambda: add_client_case_reads(client, [case]))
    return items


def _by_integration(case_id: int) -> list[bool]:
    return [bool(v) for v in db.session.scalars(db.select(CaseEvent.api_client_id.is_not(None))
                                                .where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))]


def document(client: ApiClient, call: tuple[str, str, str], document_id: int) -> Document | None:
    """A document of a submitted case (applications' files, letters, replies), its read logged; else None."""
    row = db.session.scalar(db.select(Document).join(Case, Case.id == Document.case_id)
                            .where(Document.id == document_id, Case.submitted_at.is_not(None)))
    if row is None:
        return None
    subjects = document_subjects(row)
    _logged(client, call, lambda: add_client_read(client, "document", document_id, **subjects))
    return db.session.get(Document, document_id)


def payment_plan(client: ApiClient, call: tuple[str, str, str], case_id: int) -> list[dict] | None:
    """A submitted case's instalments by position; None when there is no such case."""
    if _submitted(case_id) is None:
        return None
    items = [values(r, INSTALMENT_FIELDS) for r in db.session.scalars(
        db.select(PaymentInstalment).where(PaymentInstalment.case_id == case_id).order_by(PaymentInstalment.position))]
    _logged(client, call, lambda: None)
    return items


def batches(client: ApiClient, call: tuple[str, str, str], cursor: str | None, limit: int,
            status: str | None, updated_since: datetime | None = None) -> Page:
    """Payment batches by id or by change (drafts are the municipality's own work in progress and are not shown).

    A batch counts as changed when one of its lines does (api_writes.settle_payout_line), so an integration finds
    the batches whose lines to read again.
    """
    query = db.select(PaymentBatch).where(PaymentBatch.status != "draft")
    if status is not None:
        query = query.where(PaymentBatch.status == status)
    rows, token = keyset_page(query, PaymentBatch, "api-batches", cursor, limit, updated_since)
    items = [values(r, BATCH_FIELDS) for r in rows]
    _logged(client, call, lambda: None)
    return Page(items, token)


def batch_lines(client: ApiClient, call: tuple[str, str, str], batch_id: int, cursor: str | None,
                limit: int, updated_since: datetime | None = None) -> Page | None:
    """One sent batch's lines by id or by change (recipients' names: logged as reads of their cases); None for no
    such batch."""
    if db.session.scalar(db.select(PaymentBatch.id).where(PaymentBatch.id == batch_id,
                                                          PaymentBatch.status != "draft")) is None:
        return None
    rows, token = keyset_page(db.select(PaymentBatchLine).where(PaymentBatchLine.batch_id == batch_id),
                              PaymentBatchLine, f"api-lines-{batch_id}", cursor, limit, updated_since)
    items = [values(r, LINE_FIELDS) for r in rows]
    cases = list(db.session.scalars(db.select(Case).where(Case.id.in_({i["case_id"] for i in items}))))
    _logged(client, call, lambda: add_client_case_reads(client, cases))
    return Page(items, token)


def spaces(client: ApiClient, call: tuple[str, str, str], cursor: str | None, limit: int,
           updated_since: datetime | None = None) -> Page:
    """Published spaces by id or by change; a hall's courts name it as parent (booking the hall blocks them)."""
    rows, token = keyset_page(db.select(Space).where(Space.is_published.is_(True)), Space, "api-spaces", cursor,
                              limit, updated_since)
    items = [values(r, SPACE_FIELDS) for r in rows]
    _logged(client, call, lambda: None)
    return Page(items, token)


def bookings(client: ApiClient, call: tuple[str, str, str], cursor: str | None, limit: int,
             starts_from: datetime | None, space_id: int | None, updated_since: datetime | None = None) -> Page:
    """Bookings by start time (then id) or by change, from `starts_from` on, of one space or all."""
    query = db.select(Booking)
    if starts_from is not None:
        query = query.where(Booking.starts_at >= starts_from)
    if space_id is not None:
        query = query.where(Booking.space_id == space_id)
    rows, token = keyset_page(query, Booking, "api-bookings", cursor, limit, updated_since, keys=("starts_at", "id"))
    items = [values(r, BOOKING_FIELDS) for r in rows]
    _logged(client, call, lambda: None)
    return Page(items, token)

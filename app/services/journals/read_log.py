"""The read log: record when staff open someone's data, and show a data subject who read theirs.

Recording is fail-closed. A staff read is one unit of work with one small commit (the GET views change
nothing else): `logged_read()`. If that commit fails, the data is not shown: the reader gets a 503 page saying the
read could not be logged and to try again, and the error is logged. We chose this over showing the
page anyway because the log is what lets a person see who read their data (databeskyttelsesloven,
GDPR art. 5(2) accountability): an unlogged read is exactly what it must not contain. A 503 is a
controlled answer, not a 500, and nothing the reader typed is lost on a GET.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

from app import keyset
from app.extensions import db
from app.models import ApiClient, Association, Case, Decision, Document, RepaymentClaim, User
from app.models.read_log import OBJECT_TYPES, ReadEvent
from app.models.user import STAFF_ROLES
from app.services.unit_of_work import transaction

PAGE_SIZE = 50
_SORT = "reads"
_KEYS = ((ReadEvent.created_at, ReadEvent.id),)

OBJECT_LABELS = {
    "case": _l("Sag"), "association": _l("Foreningens oplysninger"), "document": _l("Dokument"),
    "case_export": _l("Hele sagen (aktindsigt)"), "user": _l("Alle dine oplysninger (dataudtræk)"),
}
INTERNAL_DOCUMENT = _l("Internt dokument")
NOT_LOGGED = _l("Vi kunne ikke registrere, at du åbnede oplysningerne, så de vises ikke. Prøv igen om lidt.")
ROLE_LABELS = {
    "caseworker": _l("Sagsbehandler"), "committee_member": _l("Udvalgsmedlem"),
    "administrator": _l("Administrator"), "member": _l("Bestyrelsesmedlem"),
    "api_client": _l("Integration (API)"),
}


class ReadNotLogged(Exception):
    """The read could not be written to the log; the data must not be shown (app/privacy renders a 503)."""


def add_read(reader: User, object_type: str, object_id: int, *, case_id: int | None = None,
             association_id: int | None = None, subject_user_id: int | None = None) -> ReadEvent:
    """Add a read to the current unit of work (the caller commits); for use inside a bigger use case."""
    if object_type not in OBJECT_TYPES:
        raise ValueError(f"unknown object type {object_type!r}")
    event = ReadEvent(reader_id=reader.id, reader_role=reader.role, object_type=object_type, object_id=object_id,
                      case_id=case_id, association_id=association_id, subject_user_id=subject_user_id)
    db.session.add(event)
    return event


@contextmanager
def logged_read() -> Iterator[None]:
    """Run the block as one unit of work that logs a read; ReadNotLogged (a 503 page) when it cannot be committed.

    Inside a bigger use case the block only joins it, and that use case's commit decides.
    """
    try:
        with transaction():
            yield
    except SQLAlchemyError:
        current_app.logger.exception("read log: could not record a read; the data was not shown")
        raise ReadNotLogged() from None


def record_read(reader: User, object_type: str, object_id: int, **about: int | None) -> ReadEvent | None:
    """Log a staff member's read and commit it; ReadNotLogged (503, data not shown) when that fails.

    Members reading their own association's data are not logged: the log is about the authority's
    access to a person's or an association's data.
    """
    if reader.role not in STAFF_ROLES:
        return None
    with logged_read():
        return add_read(reader, object_type, object_id, **about)


def read_case(reader: User, case: Case) -> None:
    """A staff member opened a case page."""
    record_read(reader, "case", case.id, case_id=case.id, association_id=case.association_id,
                subject_user_id=case.created_by_id)


def last_case_read(reader_id: int, case_id: int) -> datetime | None:
    """When the reader last opened the case (its page, decisions or report page); None for never.

    Call it before logging the current read. One row through ix_read_events_case_time (case, newest first).
    """
    return db.session.scalar(
        db.select(ReadEvent.created_at).where(ReadEvent.case_id == case_id, ReadEvent.reader_id == reader_id,
                                              ReadEvent.object_type == "case")
        .order_by(ReadEvent.created_at.desc(), ReadEvent.id.desc()).limit(1))


def add_client_case_reads(client: ApiClient, cases: list[Case]) -> None:
    """An integration read these cases through the API: one read each, in the caller's unit of work.

    The API's call wraps this in `logged_read()`, so the cases are not returned when the log cannot be written.
    """
    db.session.add_all([ReadEvent(api_client_id=client.id, reader_role="api_client", object_type="case",
                                  object_id=c.id, case_id=c.id, association_id=c.association_id,
                                  subject_user_id=c.created_by_id) for c in cases])


def add_client_read(client: ApiClient, object_type: str, object_id: int, **about: int | None) -> None:
    """An integration read one association or document through the API, in the caller's unit of work."""
    if object_type not in OBJECT_TYPES:
        raise ValueError(f"unknown object type {object_type!r}")
    db.session.add(ReadEvent(api_client_id=client.id, reader_role="api_client", object_type=object_type,
                             object_id=object_id, **about))


def read_association(reader: User, association: Association) -> None:
    """A staff member opened an association's profile."""
    record_read(reader, "association", association.id, association_id=association.id)


def read_document(reader: User, document: Document) -> None:
    """A staff member downloaded a document, attachment or letter."""
    record_read(reader, "document", document.id, **document_subjects(document))


def document_subjects(document: Document) -> dict:
    """Whose data a document is: its case's association and applicant, or the association it belongs to."""
    if document.case_id is not None:
        case_id, association_id, applicant = db.session.execute(
            db.select(Case.id, Case.association_id, Case.created_by_id).where(Case.id == document.case_id)).one()
        return {"case_id": case_id, "association_id": association_id, "subject_user_id": applicant}
    uploader = db.session.get(User, document.uploaded_by_id) if document.uploaded_by_id else None
    return {"association_id": document.association_id,
            "subject_user_id": uploader.id if uploader is not None and uploader.role == "member" else None}


# --- reading the log ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ReadPage:
    """One page of reads, newest first, and the cursor for the next (None on the last page)."""

    rows: list[ReadEvent]
    next_cursor: str | None


def _page(condition, cursor: str | None, limit: int) -> ReadPage:
    query = (db.select(ReadEvent).where(condition).options(db.joinedload(ReadEvent.reader),
                                                               db.joinedload(ReadEvent.api_client))
             .order_by(ReadEvent.created_at.desc(), ReadEvent.id.desc()).limit(limit + 1))
    after = keyset.decode(cursor, _SORT, _KEYS)
    if after is not None:
        at, last_id = after[1]
        query = query.where(db.or_(ReadEvent.created_at < at,
                                   db.and_(ReadEvent.created_at == at, ReadEvent.id < last_id)))
    rows = list(db.session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    token = keyset.encode(_SORT, 0, (rows[-1].created_at, rows[-1].id)) if more and rows else None
    return ReadPage(rows, token)


def reads_of_association(association_id: int, cursor: str | None = None, limit: int = PAGE_SIZE) -> ReadPage:
    """Who read the association's cases, profile and documents."""
    return _page(ReadEvent.association_id == association_id, cursor, limit)


def reads_of_person(user_id: int, cursor: str | None = None, limit: int = PAGE_SIZE) -> ReadPage:
    """Who read data about this person."""
    return _page(ReadEvent.subject_user_id == user_id, cursor, limit)


def reads_of_case(case_id: int, cursor: str | None = None, limit: int = PAGE_SIZE) -> ReadPage:
    """Who read the case, its documents, or exported it."""
    return _page(ReadEvent.case_id == case_id, cursor, limit)


def describe(rows: list[ReadEvent], party: bool = True) -> dict[int, dict]:
    """Each read in words (role, what, the file or case it was), looked up in a few queries per page.

    On a party's page (party=True) a document is named only if the party may see it (the rule of
    case_export.visible_to_party); an internal document or an unsent letter is "Internt dokument".
    """
    doc_ids = {r.object_id for r in rows if r.object_type == "document"}
    case_ids = {r.object_id for r in rows if r.object_type in ("case", "case_export")}
    filenames = _document_names(doc_ids, party) if doc_ids else {}
    cases = {c.id: f"{c.number or c.id} {c.title}" for c in db.session.execute(
        db.select(Case.id, Case.number, Case.title).where(Case.id.in_(case_ids)))} if case_ids else {}
    return {r.id: {"role": str(ROLE_LABELS.get(r.reader_role, r.reader_role)),
                   "what": str(OBJECT_LABELS.get(r.object_type, r.object_type)),
                   "name": filenames.get(r.object_id) if r.object_type == "document" else cases.get(r.object_id)}
            for r in rows}


def _document_names(doc_ids: set[int], party: bool) -> dict[int, str]:
    """Document id -> its file name, or the generic label where the party may not see the document."""
    docs = db.session.execute(db.select(Document.id, Document.filename, Document.direction, Document.kind)
                              .where(Document.id.in_(doc_ids))).all()
    if not party:
        return {d.id: d.filename for d in docs}
    sent = set(db.session.scalars(db.select(Decision.letter_document_id).where(
        Decision.letter_document_id.in_(doc_ids), Decision.letter_available_at.is_not(None))))
    sent |= set(db.session.scalars(db.select(RepaymentClaim.letter_document_id).where(
        RepaymentClaim.letter_document_id.in_(doc_ids))))
    return {d.id: d.filename if d.direction != "internal" and (d.kind != "letter" or d.id in sent)
            else str(INTERNAL_DOCUMENT) for d in docs}

"""Journalisation in the municipality's ESDH (offentlighedsloven § 15): the outbox's "esdh" channel.

The integration events drive it (`on_event`, bound in app/wiring.py): a submitted or decided case asks for an
ESDH case with the pool's KLE number and handling facet, an issued letter asks for the letter to be filed on it
with its date and short description. Each request is an outbox row written in the same commit as the event, with
a dedup key (`esdh:case:<id>`, `esdh:document:<id>`), so a case is created once and a document filed once however
often the events repeat; the rows have the outbox's retries and failures page.

A document waits for its case: while the case has no ESDH number the row is held by the outbox (no attempt, no
backoff), and the delivery that gets the number releases the case's held documents at once. A case whose number
came another way (the ESDH's own PUT through the API) is not created again.

`ESDH` in config.py chooses the system: "" (off) or "getorganized" (app/services/integrations/getorganized.py).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from flask import current_app

from app import clock
from app.extensions import db
from app.models import ApiEvent, Case, CaseEvent, Document, OutboxMessage
from app.services.delivery import outbox
from app.services.files import storage
from app.services.integrations.getorganized import GetOrganized

CHANNEL = "esdh"
CASE, DOCUMENT = "esdh_case", "esdh_document"
CASE_EVENTS = ("case.submitted", "case.decided")  # a case decided before ESDH was switched on gets its case then
SYSTEMS = ("", "getorganized")


class EsdhSystem(Protocol):
    """What journalisation needs of an ESDH; each call may raise OSError (tried again on the outbox's schedule)."""

    def create_case(self, title: str, kle_number: str | None, kle_facet: str | None) -> str: ...

    def file_document(self, case_number: str, filename: str, content: bytes, day, description: str) -> str: ...


class EsdhNotConfigured(OSError):
    """ESDH names no system we know, or its address is missing; the rows wait on the outbox's schedule."""


def enabled() -> bool:
    return bool(current_app.config.get("ESDH"))


def system() -> EsdhSystem:
    """The configured ESDH's client."""
    config = current_app.config
    if config.get("ESDH") == "getorganized" and config.get("ESDH_URL"):
        return GetOrganized(url=config["ESDH_URL"], username=config.get("ESDH_USERNAME"),
                            password=config.get("ESDH_PASSWORD"), case_type_prefix=config["ESDH_CASE_TYPE_PREFIX"],
                            timeout=config["ESDH_TIMEOUT_SECONDS"])
    raise EsdhNotConfigured(f"ESDH={config.get('ESDH')!r} with ESDH_URL={config.get('ESDH_URL')!r}")


# --- what the events ask for (in the caller's unit of work) ---------------------------------------------------

def on_event(event: ApiEvent) -> None:
    """Ask for the ESDH case, and for the letter's filing, when an event of a case is recorded."""
    if not enabled() or event.case_id is None:
        return
    if event.type in CASE_EVENTS:
        request_case(event.case_id)
    elif event.type == "letter.issued":
        request_case(event.case_id)
        request_document(event.case_id, event.subjects["document_id"])


def request_case(case_id: int) -> OutboxMessage | None:
    """An outbox row creating the case's ESDH case (None: asked for already)."""
    key = f"esdh:case:{case_id}"
    if _asked(key):
        return None
    return outbox.enqueue(CASE, _recipient(case_id), {"case_id": case_id}, dedup_key=key, channel=CHANNEL)


def request_document(case_id: int, document_id: int) -> OutboxMessage | None:
    """An outbox row filing the document on the case's ESDH case (None: asked for already)."""
    key = f"esdh:document:{document_id}"
    if _asked(key):
        return None
    return outbox.enqueue(DOCUMENT, _recipient(case_id), {"case_id": case_id, "document_id": document_id},
                          dedup_key=key, channel=CHANNEL)


def _recipient(case_id: int) -> str:
    return f"case:{case_id}"


def _asked(key: str) -> bool:
    """Whether a row with the key is in this unit of work or the database (the key's unique index is the guard)."""
    if any(isinstance(o, OutboxMessage) and o.dedup_key == key for o in db.session.new):
        return True
    with db.session.no_autoflush:
        return db.session.scalar(db.select(OutboxMessage.id).where(OutboxMessage.dedup_key == key)) is not None


def case_title(case: Case) -> str:
    """The ESDH case's title: our case number first (it is how a repeated creation finds the case)."""
    return f"{case.number} {case.pool.name}: {case.association.name}"[:255]


# --- the channel ------------------------------------------------------------------------------------------------

class EsdhAdapter:
    """The outbox's "esdh" channel: create the ESDH case, or file a document on it."""

    def __init__(self, make_system: Callable[[], EsdhSystem] = system) -> None:
        self.make_system = make_system

    def deliver(self, msg: OutboxMessage, on_accepted: Callable[[], None]) -> None:
        case = db.session.get(Case, msg.payload["case_id"], with_for_update=True)
        if msg.template == CASE:
            released = self._create_case(case)
            on_accepted()
            outbox.dispatch(released)  # committed: the documents' tasks find them due
        else:
            self._file_document(case, db.session.get(Document, msg.payload["document_id"]))
            on_accepted()

    def _create_case(self, case: Case) -> list[int]:
        if case.esdh_journal_number is None:
            pool = case.pool
            number = self.make_system().create_case(case_title(case), pool.kle_number, pool.kle_facet)
            case.esdh_journal_number = number[:64]
            _journal(case.id, "esdh_case_created", number)
        return _release_documents(case.id)

    def _file_document(self, case: Case, document: Document) -> None:
        if document.esdh_document_id is not None:
            return
        if case.esdh_journal_number is None:  # released by the sweep too early: wait on the retry schedule
            raise EsdhNotConfigured(f"case {case.id} has no ESDH case yet")
        description = document.description or document.filename
        filename = f"{case.number}-{document.id}-{document.filename}"
        document.esdh_document_id = self.make_system().file_document(
            case.esdh_journal_number, filename, storage.read_bytes(document.storage_key),
            clock.local(document.created_at).date(), description)[:64]
        _journal(case.id, "esdh_document_filed", f"{document.filename}: {document.esdh_document_id}")

    def waiting_for(self, msg: OutboxMessage) -> str | None:
        """A document waits while its case has no ESDH number."""
        if msg.template != DOCUMENT:
            return None
        number = db.session.scalar(db.select(Case.esdh_journal_number).where(Case.id == msg.payload["case_id"]))
        return None if number else f"waiting for the ESDH case of case {msg.payload['case_id']}"

    def unheld_ids(self) -> list[int]:
        """Held documents whose case has its ESDH number now (a release lost in a crash; for the sweep)."""
        held = db.session.execute(db.select(OutboxMessage.id, OutboxMessage.payload).where(
            OutboxMessage.status == "held", OutboxMessage.channel == CHANNEL).order_by(OutboxMessage.id)
            .limit(1000)).all()
        case_ids = {payload["case_id"] for _id, payload in held}
        numbered = set(db.session.scalars(db.select(Case.id).where(
            Case.id.in_(case_ids), Case.esdh_journal_number.is_not(None)))) if case_ids else set()
        return [message_id for message_id, payload in held if payload["case_id"] in numbered]


def _release_documents(case_id: int) -> list[int]:
    """Make the case's held and pending document rows due now (the caller dispatches them after the commit)."""
    ids = list(db.session.scalars(db.select(OutboxMessage.id).where(
        OutboxMessage.channel == CHANNEL, OutboxMessage.template == DOCUMENT,
        OutboxMessage.recipient == _recipient(case_id), OutboxMessage.status.in_(("held", "pending")))
        .order_by(OutboxMessage.id)))
    outbox.release(ids)
    return ids


def _journal(case_id: int, action: str, comment: str) -> None:
    db.session.add(CaseEvent(case_id=case_id, kind="esdh", action=action, comment=comment, visibility="internal"))

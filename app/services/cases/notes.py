"""Internal notes and the case file: every event and document in and out, oldest first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Case, CaseEvent, Document, User
from app.services.cases.guard import flush_or_stale, lock_case, refuse, require_caseworker_on
from app.services.unit_of_work import use_case

NOTE_MAX = 10_000


@dataclass(frozen=True)
class JournalEntry:
    """One line of the case file: an event or a document."""

    at: datetime
    event: CaseEvent | None = None
    document: Document | None = None

    @property
    def is_internal(self) -> bool:
        if self.document is not None:
            return self.document.direction == "internal"
        return self.event.visibility == "internal"


@use_case
def add_note(case_id: int, user: User, text: str) -> CaseEvent:
    """Write an internal note (notatpligt); never shown to the applicant."""
    text = (text or "").strip()
    if not text:
        refuse(_l("Skriv noten."))
    if len(text) > NOTE_MAX:
        refuse(_l("Noten er for lang (højst %(n)s tegn).", n=NOTE_MAX))
    case = lock_case(case_id)
    require_caseworker_on(case, user)
    event = CaseEvent(case_id=case.id, actor_id=user.id, kind="note", comment=text, visibility="internal")
    db.session.add(event)
    flush_or_stale()
    return event


def documents(case: Case) -> list[Document]:
    """The case's documents, oldest first."""
    return list(db.session.scalars(db.select(Document).where(Document.case_id == case.id)
                                   .order_by(Document.created_at, Document.id)))


def case_file(case: Case, events: list[CaseEvent], docs: list[Document]) -> list[JournalEntry]:
    """Events and documents merged by time (the journal, offentlighedsloven § 15)."""
    entries = [JournalEntry(at=e.created_at, event=e) for e in events]
    entries += [JournalEntry(at=d.created_at, document=d) for d in docs]
    return sorted(entries, key=lambda e: (e.at, 0 if e.event is not None else 1,
                                          e.event.id if e.event is not None else e.document.id))

"""What the API writes where the other system is the source of truth: the ESDH journal number of a case, an
incoming document from the ESDH, and the finance system's answer (paid or failed) for a payout line.

Each is one use case: the row is locked, every check made before any change, the case journal names the client
as actor, the call is journalised, and one commit. Sending the same answer twice is fine (nothing new is
written); a different answer than the one recorded is a WriteConflict (a 409 in the API), never an overwrite.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import ApiClient, Case, CaseEvent, Document, PaymentBatch, PaymentBatchLine
from app.models.payout import LINE_FAILED, LINE_PAID, LINE_SENT
from app.services.cases.transitions import CaseNotFound, lock_case, stale_as_case
from app.services.files import attachments
from app.services.integrations.api_clients import add_call
from app.services.integrations import payout_answers
from app.services.unit_of_work import flush, use_case


class WriteConflict(Exception):
    """The write contradicts what is recorded, or the object is not in a state that takes it; `message` says why."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


class Missing(Exception):
    """No such object for the API (a case not submitted counts as none)."""


def _journal(client: ApiClient, case_id: int, kind: str, action: str, comment: str) -> None:
    db.session.add(CaseEvent(case_id=case_id, api_client_id=client.id, kind=kind, action=action, comment=comment,
                             visibility="internal"))


def _submitted_case(case_id: int) -> Case:
    """The case, locked (a concurrent write waits, then sees this one's result); Missing for a draft or none."""
    try:
        with stale_as_case():
            case = lock_case(case_id)
    except CaseNotFound:
        raise Missing() from None
    if case.submitted_at is None:
        raise Missing()
    return case


@use_case
def attach_journal_number(client: ApiClient, case_id: int, number: str, call: tuple[str, str, str]) -> bool:
    """Set the case's ESDH journal number; False when it already had exactly this one (nothing changed)."""
    case = _submitted_case(case_id)
    add_call(client, *call)
    if case.esdh_journal_number == number:
        return False
    if case.esdh_journal_number is not None:
        raise WriteConflict(_l("Sagen har allerede ESDH-journalnummeret %(number)s. Et andet nummer kan kun "
                               "sættes af en sagsbehandler.", number=case.esdh_journal_number))
    case.esdh_journal_number = number
    _journal(client, case.id, "esdh", "esdh_journal_number", number)
    with stale_as_case():
        flush()
    return True


@use_case
def add_incoming_document(client: ApiClient, case_id: int, upload: FileStorage, description: str | None,
                          call: tuple[str, str, str]) -> Document:
    """Check the file like every upload (type, size, virus, PDF safety), store it on the case and journal it.

    Raises attachments.AttachmentRejected before anything is written.
    """
    checked = attachments.check(upload)
    case = _submitted_case(case_id)
    document = attachments.add_document(checked, kind="incoming", uploaded_by=None, case_id=case.id,
                                        association_id=case.association_id, description=description)
    _journal(client, case.id, "document", "document_received", document.filename)
    add_call(client, *call)
    flush()
    return document


@use_case
def settle_payout_line(client: ApiClient, line_id: int, outcome: str, reference: str, reason: str | None,
                       call: tuple[str, str, str]) -> tuple[PaymentBatchLine, bool]:
    """The finance system paid (or could not pay) one line; (line, False) when this answer was recorded already."""
    if outcome not in (LINE_PAID, LINE_FAILED):
        raise ValueError(outcome)
    batch_id = db.session.scalar(db.select(PaymentBatchLine.batch_id).where(PaymentBatchLine.id == line_id))
    if batch_id is None:
        raise Missing()
    # The batch first, as the staff's payout use cases lock it: two answers for one batch take turns.
    batch = db.session.get(PaymentBatch, batch_id, with_for_update=True, populate_existing=True)
    line = db.session.get(PaymentBatchLine, line_id, with_for_update=True, populate_existing=True)
    if batch is None or line is None:
        raise Missing()
    add_call(client, *call)
    if line.status != LINE_SENT:
        if (line.status, line.finance_reference) == (outcome, reference):
            return line, False
        raise WriteConflict(_l("Linjen er allerede meldt %(status)s med referencen %(reference)s.",
                               status=STATUS_WORDS[line.status], reference=line.finance_reference))
    try:
        payout_answers.record(batch, line, outcome, reference, reason, client_id=client.id)
    except payout_answers.LineRefused as exc:
        raise WriteConflict(exc.message) from None
    comment = f"{reference}: {reason}" if outcome == LINE_FAILED and reason else reference
    _journal(client, line.case_id, "payout", f"payout_line_{outcome}", comment)
    flush()
    return line, True


STATUS_WORDS = payout_answers.STATUS_WORDS

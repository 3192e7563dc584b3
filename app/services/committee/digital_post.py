"""Decision letters by Digital Post: the outbox's "digital_post" channel (MeMo over SF1601 or a file drop).

With DIGITAL_POST set, the letter channel writes a "digital_post" row for each decision letter in the commit that
stores the letter (letters.py, dedup key per decision: one row, whatever happens). Delivering it builds the MeMo
message (the PDF as main document, the letter as an accessible web page beside it), sends it, and on acceptance
records when the letter became available in Digital Post: the deadlines that run from notification count from
then, and the e-mail notice says the letter is in Digital Post. A recipient who is exempt (fritaget), and a letter
still not accepted when the outbox's retry window ends, get the e-mail and the portal instead, and the caseworker
is told (an e-mail and a line in the case journal). Transient failures are retried by the outbox's schedule.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale

from app import clock
from app.extensions import db
from app.models import Case, CaseEvent, Decision, Document, OutboxMessage
from app.pdf.letter import compose
from app.services.cases import contact_cpr
from app.services.committee import letters
from app.services.delivery import digital_post_transport as transport, memo, outbox
from app.services.delivery.links import public_base_url
from app.services.files import storage as files

FALLBACK_TEMPLATE = "digital_post_fallback"


def appeal_deadline(decision: Decision) -> date | None:
    """The last day to appeal: APPEAL_WEEKS from notification (Digital Post's time when it went there)."""
    notified = decision.notified_at
    if notified is None:
        return None
    return letters.local_date(notified) + timedelta(weeks=current_app.config["APPEAL_WEEKS"])


def memo_letter(decision: Decision, message_uuid: str) -> memo.MemoLetter:
    """The MeMo message for a stored, published decision letter."""
    case = decision.case
    document = db.session.get(Document, decision.letter_document_id)
    content = compose(letters.letter_data(decision))
    with force_locale("da"):
        html = render_template("delivery/memo_letter.html", letter=content)
    number = case.number or str(case.id)
    config = current_app.config
    recipient_id, recipient_type, recipient_label = _recipient(case)
    return memo.MemoLetter(
        message_uuid=message_uuid, sender_cvr=config["DIGITAL_POST_SENDER_CVR"],
        sender_label=config["MUNICIPALITY_NAME"], recipient_id=recipient_id, recipient_type=recipient_type,
        recipient_label=recipient_label, title=f"Afgørelse i sag {number}: {case.title}", case_number=number,
        main_document=memo.Attachment(files.read_bytes(document.storage_key), "application/pdf", document.filename),
        additional_documents=(memo.Attachment(html.encode("utf-8"), "text/html",
                                              document.filename.removesuffix(".pdf") + ".html"),),
        reply_allowed=False, created=clock.now())


def _recipient(case: Case) -> tuple[str | None, str, str]:
    """(id, MeMo id type, label): the association's CVR, or an informal group's contact person's CPR number where
    the pool allows it. Neither: a None id, which the schema refuses, so the letter falls back to e-mail."""
    association = case.association
    if association.cvr:
        return association.cvr, "CVR", association.name
    cpr = contact_cpr.recipient_cpr(case)
    return cpr, "CPR", association.contact_person or association.name


class DigitalPostAdapter:
    """The outbox's "digital_post" channel: delivered when the provider has accepted the letter, or when the
    letter has gone to e-mail and the portal instead (exempt recipient)."""

    def deliver(self, msg: OutboxMessage, on_accepted: Callable[[], None]) -> None:
        decision = db.session.get(Decision, msg.payload["decision_id"], with_for_update=True)
        if decision is None:
            raise LookupError(f"decision {msg.payload['decision_id']} does not exist")
        if decision.digital_post_status is None and _recipient(decision.case)[0] is None:
            # The CPR number was erased, or the pool stopped allowing it, after the letter was queued.
            fall_back(decision, msg, "failed")
        elif decision.digital_post_status is None:  # else done before a crash lost the mark: nothing twice
            xml = memo.build(memo_letter(decision, msg.payload["message_uuid"]))
            try:
                transport.configured().send(xml, msg.payload["message_uuid"])
            except transport.RecipientExempt:
                fall_back(decision, msg, "exempt")
            else:
                _sent(decision, msg, clock.now())
        on_accepted()

    def record_failure(self, msg: OutboxMessage, exc: Exception) -> None:
        """Each failed attempt: after the last one the window allows, e-mail and the portal instead."""
        if clock.now() < outbox.retry_until(msg):
            return
        decision = db.session.get(Decision, msg.payload["decision_id"], with_for_update=True)
        if decision is not None and decision.digital_post_status is None:
            fall_back(decision, msg, "failed")


def _sent(decision: Decision, msg: OutboxMessage, at: datetime) -> None:
    case = decision.case
    decision.digital_post_status, decision.digital_post_at = "sent", at
    _count_report_deadline_from(decision, case, at)
    db.session.add(CaseEvent(case_id=case.id, kind="digital_post", action="sent", visibility="public",
                             comment=None))
    letters.enqueue_notice(decision, case, _base(msg), digital_post=True)


def _count_report_deadline_from(decision: Decision, case: Case, at: datetime) -> None:
    """A report deadline the decision started counts from notification (not from the day of the decision)."""
    days = case.pool.report_due_days
    if not days or not decision.amount or case.report_due_on is None:
        return
    if case.report_due_on == letters.local_date(decision.decided_at) + timedelta(days=days):
        case.report_due_on = letters.local_date(at) + timedelta(days=days)


def fall_back(decision: Decision, msg: OutboxMessage, status: str) -> None:
    """E-mail notice and the portal (already there) instead, and the caseworker told; `status` says why."""
    case = decision.case
    decision.digital_post_status = status
    db.session.add(CaseEvent(case_id=case.id, kind="digital_post", action=status, visibility="internal",
                             comment=(msg.last_error or "")[:500] or None))
    base = _base(msg)
    letters.enqueue_notice(decision, case, base, digital_post=False)
    assignee = case.assignee
    payload = {"case_number": case.number or "", "title": case.title, "association": case.association.name,
               "reason": status, "staff_link": f"{base}/sagsbehandling/sager/{case.id}"}
    outbox.enqueue(FALLBACK_TEMPLATE, assignee.email if assignee else current_app.config["MUNICIPALITY_EMAIL"],
                   payload, locale=assignee.locale if assignee else None,
                   dedup_key=f"{FALLBACK_TEMPLATE}:{decision.id}")


def _base(msg: OutboxMessage) -> str:
    return msg.payload.get("base_url") or public_base_url()

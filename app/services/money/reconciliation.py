"""The finance system and the payout batches: the payment order out (pain.001) and the status report back
(pain.002), reconciled line by line against the batch and, through the instalments, the pool ledger.

A report changes only what it clearly says: a line of this batch, for its amount, reported paid (ACSC/ACCP) or
rejected (RJCT). Everything else (a line we do not know, another amount, a second payment of a paid line, an
answer that contradicts the one recorded) is kept as a difference for the caseworker and changes nothing. The
same file read twice changes nothing the second time (its SHA-256 is remembered per batch).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.models import CaseEvent, PaymentBatch, PaymentBatchLine, PaymentStatusDifference, PaymentStatusImport, User
from app.models.payout import LINE_FAILED, LINE_PAID, LINE_SENT
from app.services.integrations import payout_answers
from app.services.money import payouts
from app.services.money.iso20022 import pain001, pain002
from app.services.unit_of_work import use_case


class ImportRefused(Exception):
    """The file was not read; `code` says why (the view turns it into Danish), `detail` names what."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code, detail)
        self.code, self.detail = code, detail


@dataclass
class ImportResult:
    """What reading one status file did."""

    already: bool = False  # the same file was read before: nothing changed
    paid: int = 0
    rejected: int = 0
    pending: int = 0
    differences: int = 0
    moved: list[str] = field(default_factory=list)  # case numbers now "paid"


def debtor() -> pain001.Debtor:
    """The municipality as payer, from configuration."""
    config = current_app.config
    return pain001.Debtor(name=config["MUNICIPALITY_NAME"], account=config["FINANCE_DEBTOR_ACCOUNT"] or "",
                          cvr=config["FINANCE_DEBTOR_CVR"] or "", bic=config["FINANCE_DEBTOR_BIC"] or "")


def payment_order(batch: PaymentBatch) -> bytes:
    """The batch's payment order as pain.001.001.03, validated against the schema.

    ImportRefused "no_debtor_account" when the municipality's account is not configured, "no_cvr_lines" when
    every line is paid by hand, "invalid_order" when the file would not validate.
    """
    payer = debtor()
    if not payer.account:
        raise ImportRefused("no_debtor_account")
    if not any(line.cvr for line in batch.lines):
        raise ImportRefused("no_cvr_lines")
    try:
        return pain001.build(batch.id, batch.lines, payer, clock.now(), max(batch.due_by, clock.today()))
    except pain001.InvalidPaymentOrder as exc:
        raise ImportRefused("invalid_order", str(exc)[:200]) from None


def _parse(data: bytes) -> pain002.StatusReport:
    try:
        report = pain002.parse(data)
    except pain002.ReportError as exc:
        raise ImportRefused(exc.code, exc.detail) from None
    if report.group_status == pain002.REJECTED and not report.transactions:
        raise ImportRefused("group_rejected", report.group_reason)
    return report


@use_case
def import_status_report(batch_id: int, user: User, data: bytes, filename: str = "") -> ImportResult:
    """Use case "Indlæs betalingsstatus": apply a pain.002 to a sent batch, keep what did not match."""
    report = _parse(data)
    batch = payouts.locked_batch(batch_id, user)
    if batch.status == "draft":
        raise ImportRefused("not_sent")
    if report.original_message_id != pain001.message_id(batch.id):
        raise ImportRefused("other_batch", report.original_message_id)
    digest = hashlib.sha256(data).hexdigest()
    if db.session.scalar(db.select(PaymentStatusImport.id).where(
            PaymentStatusImport.batch_id == batch.id, PaymentStatusImport.sha256 == digest)) is not None:
        return ImportResult(already=True)
    record = PaymentStatusImport(batch_id=batch.id, sha256=digest, message_id=report.message_id,
                                 filename=(filename or "")[:200], imported_by_id=user.id, imported_at=clock.now())
    db.session.add(record)
    result = _apply(batch, report, record, user)
    record.paid_count, record.rejected_count = result.paid, result.rejected
    db.session.flush()
    if result.paid:
        result.moved = payouts.move_paid_cases(batch.id, user).moved
    _close_when_answered(batch, user)
    return result


def _apply(batch: PaymentBatch, report: pain002.StatusReport, record: PaymentStatusImport,
           user: User) -> ImportResult:
    lines = {str(line.id): line for line in db.session.scalars(
        db.select(PaymentBatchLine).where(PaymentBatchLine.batch_id == batch.id).with_for_update()
        .order_by(PaymentBatchLine.id))}
    result, seen = ImportResult(), set()
    for tx in report.transactions:
        line = lines.get(tx.end_to_end_id)
        kind, detail = _difference(tx, line, seen, report)
        if kind is None and line is not None and tx.status in (*pain002.PAID_STATUSES, pain002.REJECTED):
            kind, detail = _settle(batch, line, tx, report, user, result)
        elif kind is None:
            result.pending += 1
        if kind is not None:
            record.differences.append(PaymentStatusDifference(
                line_id=line.id if line is not None else None, end_to_end_id=tx.end_to_end_id, kind=kind,
                status=tx.status, reported_amount=tx.amount_text or None, detail=detail))
            result.differences += 1
    return result


def _difference(tx: pain002.TransactionStatus, line: PaymentBatchLine | None, seen: set[str],
                report: pain002.StatusReport) -> tuple[str | None, str]:
    """A reason not to apply the answer, before anything is changed."""
    if line is None or not line.cvr:
        return "unknown_line", ""
    if tx.end_to_end_id in seen:
        return ("paid_twice" if tx.status in pain002.PAID_STATUSES else "conflict"), ""
    seen.add(tx.end_to_end_id)
    if tx.amount is not None and tx.amount != line.amount:
        return "amount", ""
    return None, ""


def _settle(batch: PaymentBatch, line: PaymentBatchLine, tx: pain002.TransactionStatus,
            report: pain002.StatusReport, user: User, result: ImportResult) -> tuple[str | None, str]:
    """Record a paid or rejected line through the same checks as the API's answer; a difference when refused."""
    outcome = LINE_PAID if tx.status in pain002.PAID_STATUSES else LINE_FAILED
    # Without the bank's own reference, one stable per order and line: a later report repeating it is the same.
    reference = tx.reference or f"{report.original_message_id}-{line.id}"[:35]
    if line.status == outcome:
        if outcome == LINE_PAID and line.finance_reference != reference:
            return "paid_twice", line.finance_reference or ""
        return None, ""  # recorded already: nothing changes
    if line.status != LINE_SENT:
        return "conflict", str(_l("Linjen er allerede meldt %(status)s med referencen %(reference)s.",
                                  status=payout_answers.STATUS_WORDS[line.status], reference=line.finance_reference))
    try:
        payout_answers.record(batch, line, outcome, reference, tx.reason or None)
    except payout_answers.LineRefused as exc:
        return "conflict", str(exc.message)
    comment = f"{reference}: {tx.reason}" if outcome == LINE_FAILED and tx.reason else reference
    db.session.add(CaseEvent(case_id=line.case_id, actor_id=user.id, kind="payout", action=f"payout_line_{outcome}",
                             comment=comment, visibility="internal"))
    if outcome == LINE_PAID:
        result.paid += 1
    else:
        result.rejected += 1
    return None, ""


def _close_when_answered(batch: PaymentBatch, user: User) -> None:
    """A sent batch none of whose lines waits for an answer is paid (its rejected lines were not)."""
    waiting = db.session.scalar(db.select(PaymentBatchLine.id).where(
        PaymentBatchLine.batch_id == batch.id, PaymentBatchLine.status == LINE_SENT).limit(1))
    if batch.status == "sent" and waiting is None:
        batch.status, batch.paid_at, batch.paid_by_id = "paid", clock.now(), user.id


def imports(batch_id: int) -> list[PaymentStatusImport]:
    """The status files read for a batch, newest first, with their differences."""
    return list(db.session.scalars(db.select(PaymentStatusImport).where(PaymentStatusImport.batch_id == batch_id)
                                   .options(db.selectinload(PaymentStatusImport.differences),
                                            db.joinedload(PaymentStatusImport.imported_by))
                                   .order_by(PaymentStatusImport.id.desc())))

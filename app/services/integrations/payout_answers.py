"""The finance system's answer for one payout line, paid or failed: the checks and the change, in the caller's
unit of work. The API's write (integrations/api_writes.py) and the status file import (money/reconciliation.py)
both go through here, so the limits are the same whichever way the answer comes. It lives with the integrations
because the money area may read them, not the reverse (no cycle between service areas).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from app import clock
from app.extensions import db
from app.models import Case, PaymentBatch, PaymentBatchLine, PaymentInstalment
from app.models.payout import LINE_FAILED, LINE_PAID

STATUS_WORDS = {LINE_PAID: _l("betalt"), LINE_FAILED: _l("fejlet")}


class LineRefused(Exception):
    """The answer cannot be recorded; `message` says why in Danish."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def check_may_settle(batch: PaymentBatch, line: PaymentBatchLine, outcome: str) -> None:
    """Only a sent batch's lines are answered; never more paid on a case than was granted."""
    if batch.status == "draft":
        raise LineRefused(_l("Betalingsbatchen er ikke sendt til økonomisystemet endnu."))
    instalment = db.session.get(PaymentInstalment, line.instalment_id, with_for_update=True, populate_existing=True)
    if outcome == LINE_FAILED:
        if instalment.paid_at is not None:
            raise LineRefused(_l("Udbetalingen er allerede registreret som betalt her. Kontakt en sagsbehandler."))
        return
    if instalment.paid_at is not None:
        return  # staff marked the batch paid already; the reference is recorded all the same
    granted = db.session.scalar(db.select(Case.granted_amount).where(Case.id == line.case_id)) or 0
    paid = db.session.scalar(db.select(func.coalesce(func.sum(PaymentInstalment.amount), 0)).where(
        PaymentInstalment.case_id == line.case_id, PaymentInstalment.paid_at.is_not(None)))
    if paid + line.amount > granted:
        raise LineRefused(_l("Udbetalingen ville bringe sagen over den bevilgede støtte (%(granted)s kr.).",
                             granted=granted))


def record(batch: PaymentBatch, line: PaymentBatchLine, outcome: str, reference: str, reason: str | None,
           client_id: int | None = None) -> None:
    """Check, then mark the line paid (its instalment too: the pool ledger counts it) or failed with the reason."""
    check_may_settle(batch, line, outcome)
    line.status, line.finance_reference, line.settled_at = outcome, reference, clock.now()
    line.failure_reason = (reason or None) if outcome == LINE_FAILED else None
    line.settled_by_client_id = client_id
    batch.updated_at = line.settled_at  # /payout-batches?updated_since then names the batches whose lines changed
    if outcome == LINE_PAID:
        instalment = db.session.get(PaymentInstalment, line.instalment_id)
        instalment.paid_at = instalment.paid_at or line.settled_at

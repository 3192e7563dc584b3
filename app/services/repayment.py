"""Claims to pay back unused or misused grant money (folkeoplysningsloven § 33), with a letter."""
from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import func

from app.extensions import db
from app.models import Case, CaseEvent, Document, RepaymentClaim, User
from app.models.base import utcnow
from app.pdf import repayment as letter_pdf
from app.services import files, outbox
from app.services.unit_of_work import commit, rollback

CLAIMABLE_STATES = ("paid", "report_due", "reported", "closed")


class ClaimError(Exception):
    """The claim cannot be made or changed; `code` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def claims(case_id: int) -> list[RepaymentClaim]:
    """A case's claims, newest first."""
    return list(db.session.scalars(db.select(RepaymentClaim).where(RepaymentClaim.case_id == case_id)
                                   .order_by(RepaymentClaim.id.desc())))


def claimable(case: Case) -> int:
    """What may still be claimed: the grant less every claim not cancelled."""
    claimed = db.session.scalar(db.select(func.coalesce(func.sum(RepaymentClaim.amount), 0)).where(
        RepaymentClaim.case_id == case.id, RepaymentClaim.status != "cancelled")) or 0
    return max((case.granted_amount or 0) - int(claimed), 0)


def _fail(code: str) -> ClaimError:
    rollback()
    return ClaimError(code)


def _check(case: Case | None, amount: int, reason: str, due_on: date, today: date) -> None:
    if case is None:
        raise _fail("missing")
    if case.state not in CLAIMABLE_STATES:
        raise _fail("state")
    if amount <= 0:
        raise _fail("amount_positive")
    if amount > claimable(case):
        raise _fail("amount_too_high")
    if not reason.strip():
        raise _fail("reason_required")
    if due_on < today:
        raise _fail("due_past")


def _letter(case: Case, claim: RepaymentClaim, today: date) -> bytes:
    from app.services.letters import sender
    association = case.association
    place = " ".join(filter(None, (association.postcode, association.city)))
    return letter_pdf.render(letter_pdf.RepaymentLetter(
        sender=sender(), addressee=association.name, address_lines=tuple(x for x in (association.street, place) if x),
        case_number=case.number or str(case.id), case_title=case.title, granted_amount=case.granted_amount or 0,
        amount=claim.amount, reason=claim.reason, due_on=claim.due_on, written_on=today,
        legal_basis=case.pool.legal_basis), utcnow())


def _store_letter(case: Case, claim: RepaymentClaim, user: User, today: date) -> Document:
    data = _letter(case, claim, today)
    key, sha256 = files.store_bytes(data)
    document = Document(case_id=case.id, kind="letter", direction="out", content_type="application/pdf",
                        filename=f"krav-om-tilbagebetaling-{case.number or case.id}.pdf", size_bytes=len(data),
                        sha256=sha256, storage_key=key, description="Krav om tilbagebetaling",
                        uploaded_by_id=user.id)
    db.session.add(document)
    return document


def create_claim(case_id: int, user: User, amount: int, reason: str, due_on: date,
                 today: date | None = None) -> RepaymentClaim:
    """Use case: claim money back, write the letter, journal it, and tell the association."""
    today = today or date.today()
    case = db.session.get(Case, case_id, with_for_update=True)
    _check(case, amount, reason, due_on, today)
    claim = RepaymentClaim(case_id=case.id, amount=amount, reason=reason.strip(), due_on=due_on,
                           created_by_id=user.id)
    claim.letter_document = _store_letter(case, claim, user, today)
    db.session.add(claim)
    db.session.add(CaseEvent(case_id=case.id, actor_id=user.id, kind="repayment", action="repayment_claimed",
                             comment=f"Krav om tilbagebetaling af {amount} kr. senest {due_on:%d.%m.%Y}: "
                                     f"{claim.reason}"))
    db.session.flush()
    outbox.enqueue("repayment_claim", case.association.contact_email,
                   {"case_number": case.number or "", "title": case.title, "association": case.association.name,
                    "amount": amount, "due_on": due_on.isoformat(), "link": _portal_link(case)},
                   dedup_key=f"repayment-{claim.id}")
    commit()
    return claim


def _portal_link(case: Case) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/forening/sager/{case.id}/afrapportering"


def settle_claim(claim_id: int, user: User, status: str, note: str | None = None) -> RepaymentClaim:
    """Use case: the money came back ("paid"), or the claim is dropped ("cancelled")."""
    if status not in ("paid", "cancelled"):
        raise ClaimError("status")
    claim = db.session.get(RepaymentClaim, claim_id, with_for_update=True, populate_existing=True)
    if claim is None:
        raise _fail("missing")
    if claim.status != "open":
        raise _fail("not_open")
    claim.status, claim.settled_at, claim.settled_by_id = status, utcnow(), user.id
    words = "betalt" if status == "paid" else "annulleret"
    db.session.add(CaseEvent(case_id=claim.case_id, actor_id=user.id, kind="repayment", action=f"repayment_{status}",
                             comment=f"Krav om tilbagebetaling af {claim.amount} kr. er {words}."
                                     + (f" {note.strip()}" if note and note.strip() else "")))
    commit()
    return claim

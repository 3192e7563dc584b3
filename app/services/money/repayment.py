"""Claims to pay back unused or misused grant money (folkeoplysningsloven § 33), with a letter."""
from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import func

from app import clock
from app.extensions import db
from app.formatting import day, money
from app.models import Case, CaseEvent, Document, RepaymentClaim, User
from app.pdf import repayment as letter_pdf
from app.pdf.content import Letter
from app.services.cases.guard import require_staff_not_inhabil
from app.services.delivery import outbox
from app.services.delivery.letterhead import sender
from app.services.delivery.links import public_url
from app.services.files import storage as files
from app.services.unit_of_work import use_case


def may_claim(case: Case) -> bool:
    """Money may have been paid out, so the municipality may claim some of it back."""
    return case.state_has("repayable")


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


def _check(case: Case | None, amount: int, reason: str, due_on: date, today: date) -> None:
    if case is None:
        raise ClaimError("missing")
    if not may_claim(case):
        raise ClaimError("state")
    if amount <= 0:
        raise ClaimError("amount_positive")
    if amount > claimable(case):
        raise ClaimError("amount_too_high")
    if not reason.strip():
        raise ClaimError("reason_required")
    if due_on < today:
        raise ClaimError("due_past")


def letter_data(case: Case, claim: RepaymentClaim, written_on: date) -> letter_pdf.RepaymentLetter:
    """What the claim's letter says, from the claim (with the basis and guidance it stores) and its case."""
    association = case.association
    place = " ".join(filter(None, (association.postcode, association.city)))
    return letter_pdf.RepaymentLetter(
        sender=sender(), addressee=association.name, address_lines=tuple(x for x in (association.street, place) if x),
        case_number=case.number or str(case.id), case_title=case.title, granted_amount=case.granted_amount or 0,
        amount=claim.amount, reason=claim.reason, due_on=claim.due_on, written_on=written_on,
        legal_basis=claim.legal_basis, appeal_text=claim.appeal_text)


def letter_content(document_id: int) -> Letter | None:
    """The content of the repayment letter stored as `document_id`, for its HTML version (None: not one,
    or a claim from before claims stored their appeal guidance)."""
    claim = db.session.scalar(db.select(RepaymentClaim).where(RepaymentClaim.letter_document_id == document_id))
    if claim is None or not claim.appeal_text.strip():
        return None
    return letter_pdf.compose(letter_data(claim.case, claim, clock.local(claim.created_at).date()))


def _letter(case: Case, claim: RepaymentClaim, today: date) -> bytes:
    return letter_pdf.render(letter_data(case, claim, today), clock.now())


def _store_letter(case: Case, claim: RepaymentClaim, user: User, today: date) -> Document:
    data = _letter(case, claim, today)
    key, sha256 = files.store_bytes(data)
    document = Document(case_id=case.id, kind="letter", direction="out", content_type="application/pdf",
                        filename=f"krav-om-tilbagebetaling-{case.number or case.id}.pdf", size_bytes=len(data),
                        sha256=sha256, storage_key=key, description="Krav om tilbagebetaling",
                        uploaded_by_id=user.id)
    db.session.add(document)
    return document


@use_case
def create_claim(case_id: int, user: User, amount: int, reason: str, due_on: date,
                 today: date | None = None) -> RepaymentClaim:
    """Use case: claim money back, write the letter, journal it, and tell the association."""
    today = today or clock.today()
    case = db.session.get(Case, case_id, with_for_update=True)
    _check(case, amount, reason, due_on, today)
    require_staff_not_inhabil(case.id, user)
    return issue_claim(case, user, amount, reason, due_on, today)


def issue_claim(case: Case, user: User, amount: int, reason: str, due_on: date, today: date) -> RepaymentClaim:
    """The claim, its letter, journal entry and notice, in the caller's unit of work (the case locked, checked).

    create_claim checks a caseworker's claim; the committee's settlement of an advance claims what was paid
    above the final amount at the meeting's close.
    """
    basis = case.pool.basis  # the basis and its guidance from one library entry (or the default guidance)
    claim = RepaymentClaim(case_id=case.id, amount=amount, reason=reason.strip(), due_on=due_on,
                           created_by_id=user.id, legal_basis=basis.name if basis else "",
                           appeal_text=basis.appeal_text if basis else current_app.config["DEFAULT_APPEAL_TEXT"])
    claim.letter_document = _store_letter(case, claim, user, today)
    db.session.add(claim)
    db.session.add(CaseEvent(case_id=case.id, actor_id=user.id, kind="repayment", action="repayment_claimed",
                             comment=f"Krav om tilbagebetaling af {money(amount, 'da')} senest {day(due_on, 'da')}: "
                                     f"{claim.reason}"))
    db.session.flush()
    outbox.enqueue("repayment_claim", case.association.contact_email,
                   {"case_number": case.number or "", "title": case.title, "association": case.association.name,
                    "amount": amount, "due_on": due_on.isoformat(), "link": _portal_link(case)},
                   dedup_key=f"repayment-{claim.id}")
    return claim


def _portal_link(case: Case) -> str:
    return public_url(f"/forening/sager/{case.id}/afrapportering")


@use_case
def settle_claim(claim_id: int, user: User, status: str, note: str | None = None) -> RepaymentClaim:
    """Use case: the money came back ("paid"), or the claim is dropped ("cancelled")."""
    if status not in ("paid", "cancelled"):
        raise ClaimError("status")
    claim = db.session.get(RepaymentClaim, claim_id, with_for_update=True, populate_existing=True)
    if claim is None:
        raise ClaimError("missing")
    if claim.status != "open":
        raise ClaimError("not_open")
    require_staff_not_inhabil(claim.case_id, user)
    claim.status, claim.settled_at, claim.settled_by_id = status, clock.now(), user.id
    words = "betalt" if status == "paid" else "annulleret"
    db.session.add(CaseEvent(case_id=claim.case_id, actor_id=user.id, kind="repayment", action=f"repayment_{status}",
                             comment=f"Krav om tilbagebetaling af {claim.amount} kr. er {words}."
                                     + (f" {note.strip()}" if note and note.strip() else "")))
    return claim

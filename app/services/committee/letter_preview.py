"""The decision letter before it is sent: the real decision rehearsed and rolled back, its letter rendered."""
from __future__ import annotations

import io
from dataclasses import dataclass


from app import clock
from app.extensions import db
from app.models import Decision, User
from app.pdf.letter import render_decision_letter
from app.services.cases import transitions
from app.services.committee import letters
from app.services.unit_of_work import flush, rehearse


class NotADecision(Exception):
    """The action decides nothing, so it has no letter to preview."""


@dataclass(frozen=True)
class LetterPreview:
    """The letter a decision would send, and what the confirmation names."""

    pdf: bytes
    text: str
    outcome: str  # the letter's outcome: GRANT, PARTLY, REJECT or CANCEL (app/pdf/letter.py)
    amount: int | None
    addressee: str
    email: str | None


def preview_decision(case_id: int, action: str, user: User, *, expected_version: int | None,
                     given: transitions.ActionInput) -> LetterPreview:
    """Rehearse `action` exactly as perform() would (same checks, same refusals), render its letter, keep nothing."""
    def run() -> LetterPreview:
        with transitions.stale_as_case():
            case = transitions.lock_case(case_id, expected_version)
            outcome = transitions.apply_transition(case, action, user, given)
            flush()
        if "record_decision" not in outcome.effects:
            raise NotADecision(action)
        decision = db.session.scalar(db.select(Decision).where(Decision.case_id == case_id)
                                     .order_by(Decision.id.desc()).limit(1))
        if decision is None:
            raise NotADecision(action)
        data = letters.letter_data(decision)
        pdf = render_decision_letter(data, created=clock.now())
        return LetterPreview(pdf=pdf, text=letter_text(pdf), outcome=data.outcome, amount=decision.amount,
                             addressee=data.addressee, email=case.association.contact_email)
    return rehearse(run)


def letter_text(pdf: bytes) -> str:
    """The text of a letter's pages as a reader sees it (the preview shows this; a test compares it)."""
    from pypdf import PdfReader  # only the preview reads a PDF back: not on every process's start
    reader = PdfReader(io.BytesIO(pdf))
    return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages)

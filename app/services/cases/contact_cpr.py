"""An informal group's contact person's CPR number, for decision letters by Digital Post (issue 24).

Asked for only where the pool allows Digital Post to CPR and the applicant is an informal group (no CVR), and
optional even then (databeskyttelsesloven § 11: only what the case needs). Stored encrypted at rest in a table of
its own (CaseContactCpr, app/secret_box.py through EncryptedString): pages ask only whether one is given, and the
Digital Post delivery is the one reader of the number (`recipient_cpr`). Never logged, never in the API, never
shown; the retention run deletes it with the case's personal data.
"""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Case, CaseContactCpr
from app.services.unit_of_work import use_case

_SHAPE = re.compile(r"^(\d{6})-?(\d{4})$")


class InvalidCpr(ValueError):
    """What was typed is not a CPR number; `message` says why, in Danish."""

    def __init__(self, message) -> None:
        super().__init__("invalid CPR number")  # never the number itself: exceptions reach logs
        self.message = message


class CprNotAsked(Exception):
    """The case's pool does not allow Digital Post to CPR, the applicant is not an informal group, or it is sent."""


def _century(year2: int, seventh: int) -> int:
    """The century of a CPR number's birth year, from its seventh digit (CPR-kontoret's table)."""
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if year2 <= 36 else 1900
    return 2000 if year2 <= 57 else 1800


def parse_cpr(text: str | None) -> str:
    """The ten digits of a CPR number typed as "ddmmåå-xxxx" or "ddmmååxxxx"; raises InvalidCpr."""
    cleaned = re.sub(r"\s+", "", text or "")
    match = _SHAPE.match(cleaned)
    if match is None:
        raise InvalidCpr(_l("Skriv CPR-nummeret med 10 cifre, fx 010190-1234."))
    digits = match.group(1) + match.group(2)
    day, month, year2 = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    try:
        date(_century(year2, int(digits[6])) + year2, month, day)
    except ValueError:
        raise InvalidCpr(_l("De første 6 cifre skal være en fødselsdato (ddmmåå). Tjek CPR-nummeret.")) from None
    return digits


def asks_for_cpr(case: Case) -> bool:
    """True when this application may carry the contact person's CPR number for Digital Post."""
    association = case.association
    return bool(case.pool.digital_post_to_cpr and association.is_informal and not association.cvr)


def has_cpr(case_id: int) -> bool:
    """Whether a CPR number is given for the case (without decrypting it)."""
    return db.session.scalar(db.select(CaseContactCpr.case_id).where(CaseContactCpr.case_id == case_id)) is not None


def sends_to_cpr(case: Case) -> bool:
    """Whether the case's letters go by Digital Post to the contact person's CPR number (without decrypting it)."""
    return asks_for_cpr(case) and has_cpr(case.id)


def _draft_asking(case_id: int) -> Case:
    case = db.session.get(Case, case_id, with_for_update=True)
    if case is None or not case.state_has("draft") or not asks_for_cpr(case):
        raise CprNotAsked()
    return case


@use_case
def save_cpr(case_id: int, text: str | None) -> None:
    """Store the draft's CPR number, encrypted (replacing one given before).

    Raises InvalidCpr for what is not a CPR number, CprNotAsked where the case may not carry one.
    """
    _draft_asking(case_id)
    digits = parse_cpr(text)
    row = db.session.get(CaseContactCpr, case_id)
    if row is None:
        db.session.add(CaseContactCpr(case_id=case_id, cpr=digits))
    else:
        row.cpr = digits


@use_case
def remove_cpr(case_id: int) -> None:
    """The contact person took the CPR number back before sending: letters go by e-mail and the portal."""
    _draft_asking(case_id)
    erase(case_id)


def recipient_cpr(case: Case) -> str | None:
    """The CPR number to send the case's letters to by Digital Post, or None (then CVR or e-mail as before).

    The one place the number is decrypted: only the Digital Post delivery calls it, and only while the pool still
    allows it.
    """
    if not asks_for_cpr(case):
        return None
    row = db.session.get(CaseContactCpr, case.id)
    return row.cpr if row is not None else None


def erase(case_id: int) -> bool:
    """Delete the case's CPR number (not committing: the caller's unit of work); True when there was one."""
    row = db.session.get(CaseContactCpr, case_id)
    if row is None:
        return False
    db.session.delete(row)
    return True

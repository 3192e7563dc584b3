"""Shared checks for the caseworker's use cases: lock the case, check the version, check who may act.

A refusal only raises: the use case that called the check rolls its whole unit of work back.
"""
from __future__ import annotations

from flask_babel import LazyString, lazy_gettext as _l
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import Association, AssociationConflict, Case, ConflictDeclaration, User
from app.services.cases.transitions import CaseNotFound, StaleCase, lock_case  # noqa: F401  (the guards' lock)
from app.services.unit_of_work import flush

CASEWORKER_ROLES = ("caseworker", "administrator")


class NotAllowed(Exception):
    """The user may not do this on this case; `message` is a Danish sentence."""

    def __init__(self, message: LazyString | str) -> None:
        super().__init__(str(message))
        self.message = message


def refuse(message: LazyString | str) -> None:
    """Raise NotAllowed (the use case then rolls back its unit of work)."""
    raise NotAllowed(message)


def require_caseworker_on(case: Case, user: User) -> None:
    """A caseworker or administrator who has not declared a conflict of interest in the case."""
    if user.role not in CASEWORKER_ROLES:
        refuse(_l("Kun sagsbehandlere kan gøre dette."))
    require_not_inhabil(case, user)


def require_not_inhabil_in(case_ids, user: User, *, on_the_case: bool = False) -> None:
    """Forvaltningsloven § 3, the one check for every staff write on cases, their claims, bookings and payouts.

    One query for any number of cases; a write on several at once (a payout batch, an agenda, a round) is
    refused naming the first case the user declared a conflict of interest in (`on_the_case`: the write is on
    that one case itself).
    """
    ids = sorted(set(case_ids))
    if not ids:
        return
    row = db.session.execute(
        db.select(Case.id, Case.number).join(ConflictDeclaration, ConflictDeclaration.case_id == Case.id)
        .where(ConflictDeclaration.user_id == user.id, Case.id.in_(ids)).order_by(Case.id).limit(1)).first()
    if row is None:
        _require_no_association_conflict(ids, user)
        return
    if on_the_case:
        refuse(_l("Du har erklæret dig inhabil i sag %(number)s og kan ikke behandle den.", number=row.number or row.id))
    refuse(_l("Du har erklæret dig inhabil i sag %(number)s og kan ikke behandle noget, der omfatter den.",
              number=row.number or row.id))


def _require_no_association_conflict(case_ids: list[int], user: User) -> None:
    """Inhabil towards an association as a whole (AssociationConflict): none of its cases either."""
    row = db.session.execute(
        db.select(Case.id, Case.number, Association.name).join(Association, Association.id == Case.association_id)
        .join(AssociationConflict, AssociationConflict.association_id == Case.association_id)
        .where(AssociationConflict.user_id == user.id, Case.id.in_(case_ids)).order_by(Case.id).limit(1)).first()
    if row is not None:
        refuse(_l("Du har erklæret dig inhabil i forhold til %(association)s og kan ikke behandle sag %(number)s.",
                  association=row.name, number=row.number or row.id))


def conflicted_associations(user_id: int):
    """The associations `user_id` may not act for: declared towards it, or in any of its cases (a subquery)."""
    by_case = (db.select(Case.association_id).join(ConflictDeclaration, ConflictDeclaration.case_id == Case.id)
               .where(ConflictDeclaration.user_id == user_id))
    by_association = db.select(AssociationConflict.association_id).where(AssociationConflict.user_id == user_id)
    return by_case.union(by_association)


def case_conflicts(case_ids, user_ids=None) -> list[tuple[int, int]]:
    """(case id, user id) for everyone inhabil on these cases: declared in the case, or towards its association."""
    ids = sorted(set(case_ids))
    if not ids:
        return []
    by_case = db.select(ConflictDeclaration.case_id, ConflictDeclaration.user_id).where(
        ConflictDeclaration.case_id.in_(ids))
    by_association = (db.select(Case.id, AssociationConflict.user_id)
                      .join(AssociationConflict, AssociationConflict.association_id == Case.association_id)
                      .where(Case.id.in_(ids)))
    if user_ids is not None:
        by_case = by_case.where(ConflictDeclaration.user_id.in_(list(user_ids)))
        by_association = by_association.where(AssociationConflict.user_id.in_(list(user_ids)))
    return [(case_id, user_id) for case_id, user_id in db.session.execute(by_case.union(by_association))]


def require_staff_not_inhabil(case_id: int | None, user: User) -> None:
    """The check for one case, its claims or its bookings (none for a booking without a case)."""
    if case_id is not None:
        require_not_inhabil_in([case_id], user, on_the_case=True)


def require_not_inhabil(case: Case, user: User) -> None:
    """Forvaltningsloven § 3: an official who is inhabil may not act on the case."""
    require_staff_not_inhabil(case.id, user)


def is_closed(case: Case) -> bool:
    """Before submission a case belongs to the applicant; in a terminal state it is history."""
    return case.state_has("draft", "terminal")


def require_open(case: Case) -> None:
    """The case has been submitted and is not closed."""
    if is_closed(case):
        refuse(_l("Sagen er afsluttet eller ikke indsendt, så den kan ikke ændres her."))


def mark_changed(case: Case) -> None:
    """Bump the case's version though no column changed: a form shown before this change is stale, and two such
    changes at once meet in the version check (SQLite has no row locks)."""
    flag_modified(case, "state")


def flush_or_stale() -> None:
    """Flush the case's changes inside the unit of work; a lost race on SQLite (no row locks) becomes StaleCase."""
    try:
        flush()
    except StaleDataError as exc:
        raise StaleCase() from exc

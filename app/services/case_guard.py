"""Shared checks for the caseworker's use cases: lock the case, check the version, check who may act."""
from __future__ import annotations

from flask_babel import LazyString, lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import Case, User
from app.services import cases as case_rules
from app.services.transitions import CaseNotFound, StaleCase
from app.services.unit_of_work import commit, rollback

CASEWORKER_ROLES = ("caseworker", "administrator")
# Before submission a case belongs to the applicant; after these it is history.
CLOSED_STATES = ("draft", "discarded", "withdrawn", "closed", "cancelled")


class NotAllowed(Exception):
    """The user may not do this on this case; `message` is a Danish sentence."""

    def __init__(self, message: LazyString | str) -> None:
        super().__init__(str(message))
        self.message = message


def lock_case(case_id: int, expected_version: int | None = None) -> Case:
    """The case, locked for update; StaleCase when the form showed an older version."""
    case = db.session.get(Case, case_id, with_for_update=True, populate_existing=True)
    if case is None:
        rollback()
        raise CaseNotFound()
    if expected_version is not None and case.version != expected_version:
        rollback()
        raise StaleCase()
    return case


def refuse(message: LazyString | str) -> None:
    """Roll back the unit of work and raise NotAllowed."""
    rollback()
    raise NotAllowed(message)


def require_caseworker_on(case: Case, user: User) -> None:
    """A caseworker or administrator who has not declared a conflict of interest in the case."""
    if user.role not in CASEWORKER_ROLES:
        refuse(_l("Kun sagsbehandlere kan gøre dette."))
    require_not_inhabil(case, user)


def require_not_inhabil(case: Case, user: User) -> None:
    """Forvaltningsloven § 3: an official who is inhabil may not act on the case."""
    if case_rules.is_inhabil(user, case):
        refuse(_l("Du har erklæret dig inhabil i sagen og kan ikke behandle den."))


def require_open(case: Case) -> None:
    """The case has been submitted and is not closed."""
    if case.state in CLOSED_STATES:
        refuse(_l("Sagen er afsluttet eller ikke indsendt, så den kan ikke ændres her."))


def commit_or_stale() -> None:
    """Commit the unit of work; a lost race on SQLite (no row locks) becomes StaleCase."""
    try:
        commit()
    except StaleDataError as exc:
        rollback()
        raise StaleCase() from exc

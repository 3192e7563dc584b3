"""Who has the case: take it, give it to a colleague, or assign many from the queue at once."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Case, CaseEvent, User
from app.services.cases import core as case_rules
from app.services.cases.guard import (CASEWORKER_ROLES, flush_or_stale, lock_case, refuse, require_caseworker_on,
                                      require_open)
from app.services.cases.transitions import CaseNotFound, StaleCase
from app.services.delivery import outbox
from app.services.delivery.links import public_url
from app.services.unit_of_work import use_case

MAX_BULK = 200


def assignable_users() -> list[User]:
    """Active caseworkers and administrators, by name (for the assign selects)."""
    return list(db.session.scalars(db.select(User).where(User.role.in_(CASEWORKER_ROLES), User.is_active)
                                   .order_by(User.full_name, User.id)))


def assignable_names() -> list:
    """(id, full_name) of the same people: only what a select's options need."""
    return list(db.session.execute(db.select(User.id, User.full_name).where(User.role.in_(CASEWORKER_ROLES),
                                                                           User.is_active)
                                   .order_by(User.full_name, User.id)))


@use_case
def assign(case_id: int, assignee_id: int | None, actor: User, *, expected_version: int | None = None) -> Case:
    """Give the case to `assignee_id` (None: nobody); journalised, one commit."""
    case = lock_case(case_id, expected_version)
    assignee = _checked_assignee(assignee_id)
    _assign_locked(case, assignee, actor)
    flush_or_stale()
    return case


@use_case
def bulk_assign(versions: dict[int, int | None], assignee_id: int | None, actor: User) -> int:
    """Assign every case in `versions` ({case id: version seen}); all or nothing. Returns the count."""
    if not versions or len(versions) > MAX_BULK:
        refuse(_l("Vælg mellem 1 og %(n)s sager.", n=MAX_BULK))
    assignee = _checked_assignee(assignee_id)
    cases = list(db.session.scalars(db.select(Case).where(Case.id.in_(list(versions))).order_by(Case.id)
                                    .with_for_update().execution_options(populate_existing=True)))
    if len(cases) != len(versions):
        raise CaseNotFound()
    for case in cases:
        if versions[case.id] is not None and case.version != versions[case.id]:
            raise StaleCase()
        _assign_locked(case, assignee, actor)
    flush_or_stale()
    return len(cases)


def _checked_assignee(assignee_id: int | None) -> User | None:
    if assignee_id is None:
        return None
    user = db.session.get(User, assignee_id)
    if user is None or not user.is_active or user.role not in CASEWORKER_ROLES:
        refuse(_l("Sagen kan kun tildeles en aktiv sagsbehandler."))
    return user


def _assign_locked(case: Case, assignee: User | None, actor: User) -> None:
    require_caseworker_on(case, actor)
    require_open(case)
    if assignee is not None and case_rules.is_inhabil(assignee, case):
        refuse(_l("%(name)s har erklæret sig inhabil i sagen %(number)s og kan ikke få den.",
                  name=assignee.full_name, number=case.number or ""))
    if case.assignee_id == (assignee.id if assignee else None):
        return
    case.assignee_id = assignee.id if assignee else None
    db.session.add(CaseEvent(case_id=case.id, actor_id=actor.id, kind="assignment",
                             action="assign" if assignee else "unassign",
                             comment=assignee.full_name if assignee else None, visibility="internal"))
    if assignee is not None and assignee.id != actor.id:
        _notify_assignee(case, assignee, actor)


def _notify_assignee(case: Case, assignee: User, actor: User) -> None:
    link = public_url(f"/sagsbehandling/sager/{case.id}")
    outbox.enqueue("case_assigned", assignee.email,
                   {"case_number": case.number or "", "title": case.title, "assigned_by": actor.full_name,
                    "staff_link": link}, locale=assignee.locale)


"""Creating cases, numbering them, and who plays which workflow role on a case."""
from __future__ import annotations

from datetime import date

from sqlalchemy import update

from app.extensions import db
from app.models import (Association, AssociationConflict, Case, CaseNumberCounter, CommitteeMember,
                        ConflictDeclaration, Membership, Pool, User)
from app.services.pools.status import ACCEPTING, phase_on
from app.services.unit_of_work import flush, use_case
from workflows import registry


@use_case
def create_draft(pool: Pool, association: Association, user: User, title: str,
                 amount_applied: int | None = None, data: dict | None = None) -> Case:
    """Start a draft application in the pool's workflow."""
    workflow = registry.get(pool.workflow)
    if not registry.applied_for(workflow.name):
        raise ValueError(f"pool {pool.id}: a {workflow.name} case is never an application")
    case = Case(pool_id=pool.id, association_id=association.id, workflow=workflow.name, state=workflow.start,
                title=title, amount_applied=amount_applied, data=data or {}, created_by_id=user.id)
    db.session.add(case)
    flush()  # callers composing it need the case's id inside their unit of work
    return case


def next_case_number(year: int) -> str:
    """The next case number for `year`, e.g. 2026-000123; never repeats, even under concurrency."""
    counter = db.session.get(CaseNumberCounter, year, with_for_update=True)
    if counter is None:
        counter = CaseNumberCounter(year=year, last_number=0)
        db.session.add(counter)
        db.session.flush()
    # An atomic increment: a second transaction waits on the row lock (PostgreSQL) or the write lock (SQLite).
    db.session.execute(update(CaseNumberCounter).where(CaseNumberCounter.year == year)
                       .values(last_number=CaseNumberCounter.last_number + 1))
    db.session.refresh(counter)
    return f"{year}-{counter.last_number:06d}"


def is_member(user: User, association_id: int) -> bool:
    """True when `user` sits on the association's board."""
    return db.session.scalar(db.select(Membership.id).where(
        Membership.user_id == user.id, Membership.association_id == association_id)) is not None


def roles_for(user: User, case: Case) -> frozenset[str]:
    """The workflow roles `user` holds on `case`."""
    roles: set[str] = set()
    if user.role == "member" and is_member(user, case.association_id):
        roles.add("applicant")
    elif user.role in ("caseworker", "administrator"):
        roles.add(user.role)
    elif user.role == "committee_member":
        seat = db.session.scalar(db.select(CommitteeMember).where(
            CommitteeMember.user_id == user.id, CommitteeMember.committee_id == case.pool.committee_id))
        if seat is not None:
            roles.add("committee_member")
            if seat.is_chair:
                roles.add("committee_chair")
    return frozenset(roles)


def roles_for_cases(user: User, cases: list[Case]) -> dict[int, frozenset[str]]:
    """roles_for for many cases at once (a meeting's agenda): read once per committee or association, not per case."""
    by_key: dict[tuple[str, int], frozenset[str]] = {}
    out = {}
    for case in cases:
        # roles_for reads only the user's seat on the pool's committee, or membership of the association.
        key = ("association", case.association_id) if user.role == "member" else ("committee", case.pool.committee_id)
        if key not in by_key:
            by_key[key] = roles_for(user, case)
        out[case.id] = by_key[key]
    return out


def is_inhabil(user: User, case: Case) -> bool:
    """True when `user` has declared a conflict of interest in `case`, or towards its association."""
    in_case = db.select(ConflictDeclaration.id).where(ConflictDeclaration.case_id == case.id,
                                                      ConflictDeclaration.user_id == user.id)
    towards_association = db.select(AssociationConflict.id).where(
        AssociationConflict.association_id == case.association_id, AssociationConflict.user_id == user.id)
    return db.session.scalar(in_case.union_all(towards_association).limit(1)) is not None


def accepts_applications(pool: Pool, today: date) -> bool:
    """True when the pool takes applications today (late ones if it allows them): the rule the lists show too."""
    return phase_on(pool, today) in ACCEPTING

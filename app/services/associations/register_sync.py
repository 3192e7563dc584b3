"""The nightly comparison with the CVR register: differences in name, address, status or board become a change for
a caseworker to apply or dismiss. Nothing is overwritten by the sync; a second run the same night changes nothing.

The baseline is what the register said when it was last acknowledged (Association.register_snapshot); an
association never checked is compared by its own name and address, and a ceased status is always news.
"""
from __future__ import annotations

from collections import Counter

from flask import current_app

from app import clock
from app.extensions import db
from app.models import Association, AssociationConflict, RegisterChange, User
from app.services.associations.associations import record
from app.services.integrations import cvr_register
from app.services.integrations.cvr_register import RegisterEntry, RegisterUnavailable
from app.services.unit_of_work import use_case

ADDRESS_FIELDS = ("name", "street", "postcode", "city")  # what applying a change writes on the association
COMPARED = (*ADDRESS_FIELDS, "status", "board")


class ChangeNotPending(Exception):
    """The change has been applied or dismissed already (or does not exist)."""


class Inhabil(Exception):
    """The caseworker has declared a conflict of interest towards the association (forvaltningsloven § 3)."""


def differences(association: Association, entry: RegisterEntry) -> dict[str, list]:
    """field -> [what we knew, what the register says], for the fields that differ."""
    now = entry.snapshot()
    known = association.register_snapshot
    if known is None:
        known = {field: getattr(association, field) for field in ADDRESS_FIELDS}
        known.update(status=None if entry.ceased else now["status"], board=now["board"])
    return {field: [known.get(field), now[field]] for field in COMPARED if known.get(field) != now[field]}


def sync_all() -> dict[str, int]:
    """Compare every association with a CVR, a batch at a time; returns counts. Stops when the register fails."""
    if not cvr_register.is_configured():
        return {"skipped": 1}
    counts: Counter = Counter()
    last_id, size = 0, int(current_app.config["CVR_SYNC_BATCH"])
    while batch := _next_batch(last_id, size):
        entries: dict[int, RegisterEntry | None] = {}
        try:
            for association_id, cvr in batch:
                entries[association_id] = cvr_register.lookup(cvr)
        except RegisterUnavailable:
            current_app.logger.warning("CVR register unavailable during the nightly sync", exc_info=True)
            counts["unavailable"] += 1
        _record_batch(entries, counts)
        if counts["unavailable"]:
            break
        last_id = batch[-1][0]
    return dict(counts)


@use_case
def _next_batch(after_id: int, size: int) -> list[tuple[int, str]]:
    """The next associations with a CVR by id (a use case, so no transaction stays open during the lookups)."""
    return [tuple(row) for row in db.session.execute(
        db.select(Association.id, Association.cvr).where(Association.cvr.is_not(None), Association.id > after_id)
        .order_by(Association.id).limit(size))]


@use_case
def _record_batch(entries: dict[int, RegisterEntry | None], counts: Counter) -> None:
    for association_id in sorted(entries):
        association = db.session.get(Association, association_id, with_for_update=True, populate_existing=True)
        entry = entries[association_id]
        if association is None or entry is None:
            counts["missing"] += 1
            continue
        counts["checked"] += 1
        association.register_checked_at = clock.now()
        changed = differences(association, entry)
        if not changed:
            association.register_snapshot = association.register_snapshot or entry.snapshot()
        elif _flag(association, changed, entry.snapshot()):
            counts["flagged"] += 1


def _flag(association: Association, changed: dict, register: dict) -> bool:
    """Keep one pending change per association, updated when the register moves again; True when new or moved."""
    pending = db.session.scalar(db.select(RegisterChange).where(
        RegisterChange.association_id == association.id, RegisterChange.status == "pending").with_for_update())
    if pending is not None and pending.register == register:
        return False
    if pending is None:
        pending = RegisterChange(association_id=association.id)
        db.session.add(pending)
    pending.changes, pending.register, pending.detected_at = changed, register, clock.now()
    return True


def pending_changes(user: User) -> list[RegisterChange]:
    """Changes waiting for a caseworker, oldest first, without those of associations `user` is inhabil towards."""
    conflicted = db.select(AssociationConflict.association_id).where(AssociationConflict.user_id == user.id)
    return list(db.session.scalars(
        db.select(RegisterChange).where(RegisterChange.status == "pending",
                                        RegisterChange.association_id.not_in(conflicted))
        .options(db.joinedload(RegisterChange.association)).order_by(RegisterChange.id)))


def _decidable(change_id: int, caseworker: User) -> RegisterChange:
    change = db.session.get(RegisterChange, change_id, with_for_update=True, populate_existing=True)
    if change is None or change.status != "pending":
        raise ChangeNotPending()
    if db.session.scalar(db.select(AssociationConflict.id).where(
            AssociationConflict.association_id == change.association_id,
            AssociationConflict.user_id == caseworker.id)) is not None:
        raise Inhabil()
    return change


@use_case
def apply_change(change_id: int, caseworker: User) -> RegisterChange:
    """Write the register's name and address on the association and take its status and board as known."""
    change = _decidable(change_id, caseworker)
    association = change.association
    for field in ADDRESS_FIELDS:
        if field in change.changes:
            setattr(association, field, change.changes[field][1])
    return _decide(change, caseworker, "applied", association)


@use_case
def dismiss_change(change_id: int, caseworker: User) -> RegisterChange:
    """Keep the association as it is; the register's values become the baseline, so they are not flagged again."""
    change = _decidable(change_id, caseworker)
    return _decide(change, caseworker, "dismissed", change.association)


def _decide(change: RegisterChange, caseworker: User, status: str, association: Association) -> RegisterChange:
    association.register_snapshot = change.register
    change.status, change.decided_by_id, change.decided_at = status, caseworker.id, clock.now()
    record(association.id, caseworker, f"register_change_{status}", changes=change.changes)
    return change

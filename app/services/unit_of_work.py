"""One commit per use case: the outermost use case commits once, then new outbox rows are handed to Celery.

A service function that changes data is a use case: decorate it with `@use_case`. Called from a view,
a task or a command it is the outermost one: its changes are committed when it returns, and rolled back
(all of them) when it raises. Called from inside another use case it only flushes; the caller's unit of
work decides. A nested use case that raises dooms the whole unit, even if its caller catches the
exception: a lost race leaves nothing behind.

Nothing else commits or rolls back: not views, not helpers. `flush()` sends pending changes to the
database inside the unit of work, for code that needs the database's answer (an id, a constraint).
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from flask import current_app
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.extensions import db
from app.models.outbox import OutboxMessage

_KEY = "outbox_new_ids"
_SCOPE = "unit_of_work_depth"
_DOOMED = "unit_of_work_doomed"

P = ParamSpec("P")
R = TypeVar("R")


class UnitOfWorkRolledBack(RuntimeError):
    """A use case inside the unit of work failed, so the whole unit of work is void."""


def in_unit_of_work() -> bool:
    """True while a use case runs (its changes are not committed yet)."""
    return bool(db.session.info.get(_SCOPE))


def flush() -> None:
    """Send pending changes to the database without committing (ids, constraints, row versions)."""
    db.session.flush()


@contextmanager
def transaction() -> Iterator[None]:
    """Run the block as one unit of work: all of it is committed at the end of the outermost one, or none."""
    info = db.session.info
    outermost = not info.get(_SCOPE)
    info[_SCOPE] = info.get(_SCOPE, 0) + 1
    try:
        yield
        if outermost and info.get(_DOOMED):
            raise UnitOfWorkRolledBack("a use case inside the unit of work failed")
    except BaseException:
        info[_SCOPE] -= 1
        if outermost:
            _leave_scope(info)
            db.session.rollback()
        else:
            info[_DOOMED] = True
        raise
    info[_SCOPE] -= 1
    if outermost:
        _leave_scope(info)
        _commit()


def use_case(fn: Callable[P, R]) -> Callable[P, R]:
    """Make `fn` a use case: one unit of work, committed once by the outermost use case."""
    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction():
            return fn(*args, **kwargs)
    return run


class RehearsalNotAlone(RuntimeError):
    """A rehearsal must start with nothing pending, or its rollback would lose someone's changes."""


def rehearse(fn: Callable[[], R]) -> R:
    """Run `fn` as a unit of work that is always rolled back: what a use case would do, with nothing kept.

    A preview (the decision letter before it is sent) runs the real use case's steps, reads the result and
    throws it away; the use cases it calls only flush, the outbox rows it wrote are forgotten.
    """
    session = db.session
    if in_unit_of_work() or session.new or session.dirty or session.deleted:
        raise RehearsalNotAlone("a rehearsal runs alone, outside any unit of work")
    session.info[_SCOPE] = 1
    try:
        return fn()
    finally:
        _leave_scope(session.info)
        session.rollback()


def discard_uncommitted() -> None:
    """Roll back what is uncommitted, outside any unit of work: a request's leftovers once its answer is made, before
    a record that must be committed on its own (the API's call journal after a refused write)."""
    if in_unit_of_work():
        raise RuntimeError("discard_uncommitted runs after a unit of work, never inside one")
    db.session.rollback()


def insert_if_absent(model: type, values: dict, *, unique: tuple[str, ...]) -> None:
    """INSERT the row unless one with the same `unique` columns exists (ON CONFLICT DO NOTHING), safe under races.

    Get-or-create without a 500: two requests that both found nothing both insert, and the loser's insert
    waits for the winner and does nothing. Read the row afterwards.
    """
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[dialect]
    db.session.execute(insert(model).values(**values).on_conflict_do_nothing(index_elements=list(unique)))


_HANDED_OVER = "outbox_handed_over"


@contextmanager
def delivered_by_caller() -> Iterator[list[int]]:
    """Outbox rows committed in the block are not dispatched: their ids land in the yielded list, for the
    caller to deliver itself (a letter batch sends its notices). If it never does, the sweep sends them."""
    taken: list[int] = []
    db.session.info[_HANDED_OVER] = taken
    try:
        yield taken
    finally:
        db.session.info.pop(_HANDED_OVER, None)


def _commit() -> None:
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    ids = db.session.info.pop(_KEY, [])
    taken = db.session.info.get(_HANDED_OVER)
    if ids and taken is not None:
        taken.extend(ids)
    elif ids and _after_commit:
        _after_commit[0](ids)


def _leave_scope(info: dict) -> None:
    info.pop(_SCOPE, None)
    info.pop(_DOOMED, None)


_after_commit: list[Callable[[list[int]], None]] = []


def install(after_commit: Callable[[list[int]], None]) -> None:
    """Watch the session for new outbox rows and hand their ids to `after_commit` once committed.

    Called by app/wiring.py; listening is idempotent (several apps in one process share the session class).
    """
    _after_commit[:] = [after_commit]
    for name, listener in (("after_flush", _collect_outbox), ("after_soft_rollback", _forget_outbox)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _collect_outbox(session: Session, flush_context: object) -> None:
    new = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if new:
        session.info.setdefault(_KEY, []).extend(new)


def _forget_outbox(session: Session, previous_transaction: object) -> None:
    session.info.pop(_KEY, None)


def app_logger():
    """The app's logger (helper for modules without an app at import)."""
    return current_app.logger

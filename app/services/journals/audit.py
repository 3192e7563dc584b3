"""The administrators' journal: every set-up change with who, what, before and after."""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

from app.extensions import db
from app.models import AdminEvent, User

PAGE_SIZE = 50


class SetupError(Exception):
    """An administrator's change was refused; `message` is Danish, `field` names the form field to blame."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message, self.field = message, field


def jsonable(value: object) -> object:
    """A JSON-safe copy of a column value (dates become ISO strings)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: object, fields: Iterable[str]) -> dict:
    """The named attributes of `obj` as a JSON-safe dict."""
    return {name: jsonable(getattr(obj, name)) for name in fields}


def record(actor: User | None, entity_type: str, entity_id: int | None, action: str,
           before: dict | None = None, after: dict | None = None) -> AdminEvent | None:
    """Add a journal row to the caller's unit of work; nothing is written when nothing changed.

    `actor` is None for changes made with a `flask` command on the server."""
    if before is not None and after is not None and before == after:
        return None
    event = AdminEvent(actor_id=actor.id if actor is not None else None, entity_type=entity_type, entity_id=entity_id, action=action,
                       before=before, after=after)
    db.session.add(event)
    return event


def changes(event: AdminEvent) -> list[tuple[str, object, object]]:
    """(field, before, after) for every field that differs, in a stable order."""
    before, after = event.before or {}, event.after or {}
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def list_events(entity_type: str | None = None, actor_id: int | None = None, entity_id: int | None = None,
                before_id: int | None = None, limit: int = PAGE_SIZE) -> tuple[list[AdminEvent], int | None]:
    """Newest first, one page after the keyset `before_id`; returns (events, next keyset or None)."""
    stmt = db.select(AdminEvent).options(db.joinedload(AdminEvent.actor)).order_by(AdminEvent.id.desc())
    if entity_type:
        stmt = stmt.where(AdminEvent.entity_type == entity_type)
    if entity_id is not None:
        stmt = stmt.where(AdminEvent.entity_id == entity_id)
    if actor_id is not None:
        stmt = stmt.where(AdminEvent.actor_id == actor_id)
    if before_id is not None:
        stmt = stmt.where(AdminEvent.id < before_id)
    rows = list(db.session.scalars(stmt.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more else None)


def actors() -> list[User]:
    """The people who appear in the journal (for the filter)."""
    ids = db.select(AdminEvent.actor_id).distinct()
    return list(db.session.scalars(db.select(User).where(User.id.in_(ids)).order_by(User.full_name)))

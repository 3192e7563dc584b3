"""One commit per use case, then new outbox rows are handed to Celery."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

_KEY = "outbox_new_ids"


def commit() -> None:
    """Commit the session; after a successful commit dispatch the new outbox messages."""
    db.session.commit()
    ids = db.session.info.pop(_KEY, [])
    if ids:
        from app.services.outbox import dispatch
        dispatch(ids)


def rollback() -> None:
    """Discard the unit of work."""
    db.session.rollback()


@event.listens_for(Session, "after_flush")
def _collect_outbox(session: Session, flush_context: object) -> None:
    from app.models.outbox import OutboxMessage
    new = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if new:
        session.info.setdefault(_KEY, []).extend(new)


@event.listens_for(Session, "after_soft_rollback")
def _forget_outbox(session: Session, previous_transaction: object) -> None:
    session.info.pop(_KEY, None)


def app_logger():
    """The app's logger (helper for modules without an app at import)."""
    return current_app.logger

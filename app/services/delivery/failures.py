"""Notices that failed for good: the administrators hear of the new ones in one digest per sweep.

One e-mail per failed row would bury them after an outage; one digest per sweep run names every row
that failed since the last one. A row is reported once (`failure_reported_at`), and the digest's
dedup key makes two sweeps that saw the same rows write it once.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import OutboxMessage, User
from app.services.delivery import outbox
from app.services.delivery.links import public_url
from app.services.unit_of_work import flush, use_case

TEMPLATE = "outbox_failures"
BATCH = 500
LISTED = 20  # rows named in the e-mail; the notices page has them all


def report_failures() -> int:
    """Write one digest to each administrator about rows failed since the last digest; returns the rows named."""
    try:
        return _report()
    except IntegrityError:  # another sweep wrote this digest first
        return 0


@use_case
def _report() -> int:
    rows = list(db.session.scalars(
        db.select(OutboxMessage)
        .where(OutboxMessage.status == "failed", OutboxMessage.failure_reported_at.is_(None),
               OutboxMessage.template != TEMPLATE)  # a digest that fails is not reported by another digest
        .order_by(OutboxMessage.id).limit(BATCH).with_for_update(skip_locked=True)))
    if not rows:
        return 0
    now = clock.now()
    for row in rows:
        row.failure_reported_at = now
    payload = {"count": len(rows), "link": public_url("/administration/beskeder/?status=failed"),
               "rows": [{"id": r.id, "recipient": r.recipient, "error": (r.last_error or "")[:120]}
                        for r in rows[:LISTED]]}
    # The same rows failing the same time (a row failed again after "Send igen" has a new time).
    latest = max(r.failed_at or now for r in rows)
    key = f"{TEMPLATE}:{rows[0].id}-{rows[-1].id}:{len(rows)}:{latest.timestamp():.0f}"
    for email, locale in _administrators():
        outbox.enqueue(TEMPLATE, email, payload, locale=locale, dedup_key=f"{key}:{email}"[:200])
    flush()  # a dedup key another sweep wrote first fails here, inside the unit, and voids this one
    return len(rows)


def _administrators() -> list[tuple[str, str | None]]:
    """Active administrators' addresses and languages; the department's address when there are none."""
    admins = db.session.execute(
        db.select(User.email, User.locale)
        .where(User.role == "administrator", User.is_active, User.anonymised_at.is_(None))
        .order_by(User.id)).all()
    return [tuple(a) for a in admins] or [(current_app.config["MUNICIPALITY_EMAIL"], None)]

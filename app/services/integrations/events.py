"""The API's events: recorded in the same commit as the change, read through /api/v1/events, sent to webhooks.

Why in the same transaction, not a relay that reads the journals afterwards: the five kinds of event come from
four journals that do not look alike (case_events, the decision's letter, the payout batch's two-person
approval, bookings, which have no journal of their own), and an outbox row must be written with the change it
tells of. So the use case that makes the change calls `record`, which adds the event and one outbox row
(channel "webhook") per subscription that wants it; a rolled-back change leaves neither.

The feed's cursor is the event's `position`, not its id: ids come from a sequence in the order the rows were
inserted, not committed, so a reader paging by id could pass an event that commits a moment later with a lower
id. `sequence()` gives positions to committed events, one sequencer at a time (an advisory lock on
PostgreSQL; SQLite writes one at a time anyway), so positions grow in the order events became visible.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from app import clock
from app.extensions import db
from app.models import ApiClient, ApiEvent, Case, WebhookDelivery, WebhookSubscription
from app.models.webhook import EVENT_TYPES
from app.services.delivery import outbox
from app.services.integrations.api_clients import add_call
from app.services.journals.read_log import add_client_read, logged_read
from app.services.unit_of_work import use_case
from workflows import registry

_SEQUENCER_LOCK = 0x5745_4248  # "WEBH": pg_advisory_xact_lock key of the sequencer
# Outbound adapters driven by the events (the ESDH's journalisation), bound by app/wiring.py: each is called with
# the event in the same unit of work and writes its own outbox rows there.
_LISTENERS: list[Callable[[ApiEvent], None]] = []


def bind_listeners(listeners: list[Callable[[ApiEvent], None]]) -> None:
    """Bind the adapters that act on recorded events (app/wiring.py, once per app)."""
    _LISTENERS[:] = listeners


def record(event_type: str, *, case_id: int | None, subjects: dict, data: dict | None = None) -> ApiEvent:
    """Add an event and its webhook deliveries to the caller's unit of work (committed with the change)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    event = ApiEvent(type=event_type, case_id=case_id, subjects=subjects, data=data or {}, occurred_at=clock.now())
    # No flush here: the caller's change goes to the database when the caller says (a transition's version check
    # must meet a lost race where the caller expects it); the rows are inserted with the rest at the commit.
    with db.session.no_autoflush:
        db.session.add(event)
        for subscription in _subscribers(event_type):
            add_delivery(subscription, event)
        for listener in _LISTENERS:
            listener(event)
    return event


_READ_ONCE = "webhook_subscribers_read_once"


@contextmanager
def subscribers_read_once() -> Iterator[None]:
    """Events recorded in the block read each type's subscribers once (a meeting's close: one query, not one a case).

    For a block inside one use case that changes no subscription.
    """
    outermost = _READ_ONCE not in db.session.info
    db.session.info.setdefault(_READ_ONCE, {})
    try:
        yield
    finally:
        if outermost:
            db.session.info.pop(_READ_ONCE, None)


def _subscribers(event_type: str) -> list[WebhookSubscription]:
    read = db.session.info.get(_READ_ONCE)
    if read is None:
        return _read_subscribers(event_type)
    if event_type not in read:
        read[event_type] = _read_subscribers(event_type)
    return read[event_type]


def _read_subscribers(event_type: str) -> list[WebhookSubscription]:
    rows = db.session.scalars(db.select(WebhookSubscription).join(WebhookSubscription.client).where(
        WebhookSubscription.ended_at.is_(None), ApiClient.revoked_at.is_(None),
        WebhookSubscription.event_types.contains(event_type)).order_by(WebhookSubscription.id))
    return [s for s in rows if event_type in s.event_types.split()]


def add_delivery(subscription: WebhookSubscription, event: ApiEvent, *, again: int = 0) -> WebhookDelivery:
    """One outbox row carrying `event` to `subscription` (again > 0: a redelivery the administrator asked for)."""
    msg = outbox.enqueue("webhook", str(subscription.id), {"again": again}, channel="webhook")
    delivery = WebhookDelivery(subscription_id=subscription.id, event=event, outbox_message=msg, case_id=event.case_id)
    db.session.add(delivery)
    return delivery


# --- what the journals' use cases call -----------------------------------------------------------------

def on_transition(case: Case, action: str, source: str, target: str) -> None:
    """A case was submitted, or decided (it entered a state tagged "decided" from one that was not)."""
    subjects = {"case_id": case.id, "pool_id": case.pool_id, "association_id": case.association_id}
    base = {"number": case.number, "workflow": case.workflow, "state": target}
    if action == "submit":
        record("case.submitted", case_id=case.id, subjects=subjects, data=base)
    elif _decided(case.workflow, target) and not _decided(case.workflow, source):
        record("case.decided", case_id=case.id, subjects=subjects,
               data={**base, "granted_amount": case.granted_amount})


def _decided(workflow: str, state: str) -> bool:
    return registry.has_tag(workflow, state, "decided")


def on_letter(case_id: int, decision_id: int, document_id: int) -> None:
    """A decision letter was stored and made available to the applicant."""
    record("letter.issued", case_id=case_id,
           subjects={"case_id": case_id, "decision_id": decision_id, "document_id": document_id})


def on_letters(issued: list[tuple[int, int, int]]) -> None:
    """Many letters stored and made available, as (case_id, decision_id, document_id): the subscribers read once."""
    with subscribers_read_once():
        for case_id, decision_id, document_id in issued:
            on_letter(case_id, decision_id, document_id)


def on_payout_approved(batch_id: int, total_amount: int, line_count: int) -> None:
    """A payout batch was approved by the second person (it may be sent to finance now)."""
    record("payout.approved", case_id=None, subjects={"payout_batch_id": batch_id},
           data={"total_amount": total_amount, "line_count": line_count})


def on_bookings_confirmed(case_id: int, booking_ids: list[int], space_ids: list[int]) -> None:
    """A case's bookings were confirmed by its decision."""
    if booking_ids:
        record("booking.confirmed", case_id=case_id, subjects={"case_id": case_id, "booking_ids": booking_ids},
               data={"space_ids": sorted(set(space_ids))})


# --- the feed ------------------------------------------------------------------------------------------

@use_case
def sequence() -> int:
    """Give positions to the committed events that have none, in id order; the number positioned."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(db.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SEQUENCER_LOCK})
    waiting = list(db.session.scalars(db.select(ApiEvent).where(ApiEvent.position.is_(None))
                                      .order_by(ApiEvent.id).limit(5000)))
    if not waiting:
        return 0
    last = db.session.scalar(db.select(db.func.max(ApiEvent.position))) or 0
    for offset, event in enumerate(waiting, 1):
        event.position = last + offset
    return len(waiting)


def event_values(event: ApiEvent) -> dict:
    """An event as the feed and the webhooks show it."""
    return {"id": event.position, "event_id": event.id, "type": event.type, "occurred_at": event.occurred_at,
            "subjects": dict(event.subjects or {}), "data": dict(event.data or {})}


def feed(client: ApiClient, call: tuple[str, str, str], after: int, limit: int) -> tuple[list[dict], int]:
    """Events after position `after`, oldest first, and the cursor to ask with next (the last position, or `after`).

    The cases they name are logged as read by the client, like the case endpoints do.
    """
    sequence()
    rows = list(db.session.scalars(db.select(ApiEvent).where(ApiEvent.position > after)
                                   .order_by(ApiEvent.position).limit(limit)))
    items = [event_values(r) for r in rows]
    case_ids = sorted({r.case_id for r in rows if r.case_id is not None})
    with logged_read():
        add_call(client, *call)
        for case_id in case_ids:
            add_client_read(client, "case", case_id, case_id=case_id)
    return items, (items[-1]["id"] if items else after)


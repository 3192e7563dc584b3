"""Migration 0360 fills the event feed from the journals: the same events the live code writes, appended, once.

The history is made by the real use cases (which also record the live events); the live events are then removed
(all of them: before the feed existed; or the older half: the feed began midway) and the migration's upgrade
must bring back exactly what the live code wrote, without touching what is still there.
"""
from __future__ import annotations

import importlib.util
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from app import clock
from app.extensions import db
from app.models import ApiEvent, OutboxMessage, PaymentBatch, WebhookDelivery
from app.services.cases import transitions
from app.services.integrations import api_clients, webhooks
from app.services.money import payouts
from app.services.premises import bookings
from tests.factories import (AdministratorFactory, AssociationApprovalFactory, LocationFactory, PoolFactory,
                             SpaceFactory)
from tests.payouts.conftest import World
from tests.premises.helpers import next_weekday

MIGRATION = Path(__file__).parents[2] / "migrations" / "versions" / "0360_event_history.py"
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # within the factories' pools' year


def _migration():
    spec = importlib.util.spec_from_file_location("event_history_0360", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _upgrade() -> None:
    """Run 0360's upgrade on its own connection, as `flask db upgrade` would (whatever revision follows it)."""
    db.session.commit()
    db.session.remove()
    with db.engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        _migration().upgrade()


def _step() -> None:
    clock.freeze(clock.now() + timedelta(minutes=7))


def _history(factory) -> None:
    """Cases submitted and decided (granted, refused), their letters, bookings confirmed, a payout batch approved."""
    clock.freeze(START)
    world = World(factory)
    world.granted(10_000)
    _step()
    factory.decided_case(world.pool, world.other, world.other_member, world.caseworker, 4_000, "Klubtur",
                         decision="decide_reject")
    _step()
    pool = PoolFactory(workflow="premises_loan", budget=0, is_rolling=True, deadline=None, year=clock.today().year)
    for year in (clock.today().year, clock.today().year + 1):
        AssociationApprovalFactory(association=world.association, year=year)
    room = SpaceFactory(location=LocationFactory(name="Skolen"), name="Mødelokale A", capacity=20,
                        hours=("16:00", "22:00"))
    db.session.commit()
    first = next_weekday(1)
    case = bookings.request_booking(world.member, bookings.RequestInput(
        space_id=room.id, association_id=world.association.id, purpose="Bestyrelsesmøde", participants=10,
        age_group="adults", first_day=first, start_time=time(18), end_time=time(20), recurrence="weekly",
        until=first + timedelta(weeks=2)))
    assert pool.id == case.pool_id
    _step()
    transitions.perform(case.id, "approve", world.caseworker)
    _step()
    batch_id = payouts.create_batch(world.caseworker, clock.today() + timedelta(days=30)).id
    _step()
    world.approve(db.session.get(PaymentBatch, batch_id))
    _step()


def _feed() -> list[tuple]:
    """(position, type, case_id, subjects, data, occurred_at) in feed order."""
    db.session.expire_all()
    return [(e.position, e.type, e.case_id, e.subjects, e.data, e.occurred_at)
            for e in db.session.scalars(sa.select(ApiEvent).order_by(ApiEvent.position, ApiEvent.id))]


def _positioned() -> list[tuple]:
    from app.services.integrations import events
    events.sequence()
    return _feed()


def _without_position(rows: list[tuple]) -> list[tuple]:
    return sorted((r[1:] for r in rows), key=lambda r: (r[4], r[0], r[1] or 0, sorted(r[2].items()).__repr__()))


def test_before_the_feed_existed_every_event_comes_from_the_journals_in_time_order(app, factory):
    _history(factory)
    live = _positioned()
    assert {r[1] for r in live} == {"case.submitted", "case.decided", "letter.issued", "booking.confirmed",
                                    "payout.approved"}
    db.session.execute(sa.delete(ApiEvent))
    db.session.commit()

    _upgrade()

    filled = _feed()
    assert _without_position(filled) == _without_position(live)  # same subjects, data and occurred_at
    assert [r[0] for r in filled] == list(range(1, len(live) + 1))
    assert [r[5] for r in filled] == sorted(r[5] for r in filled)  # an empty feed is filled in time order
    decided = {r[2]: r[4]["granted_amount"] for r in filled if r[1] == "case.decided"}
    assert sorted(a for a in decided.values() if a is not None) == [0, 10_000]

    _upgrade()  # again: nothing twice
    assert _feed() == filled


def test_a_feed_begun_midway_keeps_its_positions_and_gets_the_rest_after_them_without_webhooks(app, factory):
    _history(factory)
    live = _positioned()
    admin = AdministratorFactory(email="anne@kommune.dk")
    db.session.commit()
    made = api_clients.register_client(admin, "ESDH", ["events:read"], 1000)
    webhooks.subscribe(admin, made.client.id, "http://127.0.0.1:9/hooks", ["case.decided", "letter.issued",
                                                                         "booking.confirmed", "payout.approved"])
    db.session.commit()
    middle = live[len(live) // 2][5]
    db.session.execute(sa.delete(ApiEvent).where(ApiEvent.occurred_at < middle))  # the feed began at `middle`
    db.session.commit()
    kept = _feed()
    outbox_before = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))

    _upgrade()

    filled = _feed()
    assert _without_position(filled) == _without_position(live)
    assert filled[:len(kept)] == kept  # the events clients have read keep their positions
    added = filled[len(kept):]
    assert added and min(r[0] for r in added) > max(r[0] for r in kept)  # appended, never below a cursor
    assert [r[5] for r in added] == sorted(r[5] for r in added) and all(r[5] < middle for r in added)
    assert db.session.scalar(sa.select(sa.func.count(WebhookDelivery.id))) == 0  # no deliveries for history
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == outbox_before

    _upgrade()
    assert _feed() == filled

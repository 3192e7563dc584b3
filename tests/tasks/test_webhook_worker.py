"""Webhooks with real services: PostgreSQL, Redis, a Celery worker and beat, a receiver that is down for a while."""
from __future__ import annotations

import json
import time

import pytest

from app.extensions import db
from app.secret_box import parse_keys
from app.models import OutboxMessage
from app.services.integrations import api_clients, events, webhooks
from app.services.unit_of_work import transaction
from tests.factories import AdministratorFactory
from tests.tasks.conftest import wait_for
from tests.webhook_receiver import Receiver, verify

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

EVENTS, CASES = 100, 10


def _webhook_statuses() -> dict[int, str]:
    rows = db.session.execute(db.select(OutboxMessage.id, OutboxMessage.status)
                              .where(OutboxMessage.channel == "webhook")).all()
    db.session.rollback()  # read what is committed now, leave no transaction open
    return dict(rows)


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.down()


def test_webhooks_through_an_outage_with_the_real_worker(app, broker_app, celery_env, start_celery, private_redis,
                                                         receiver):
    # The worker's retries are seconds apart here, not minutes; the window of hours is the clock test's business.
    celery_env.update(OUTBOX_RETRY_FIRST_SECONDS="1", OUTBOX_RETRY_MAX_SECONDS="2", WEBHOOK_ALLOW_LOOPBACK_HTTP="1",
                      TOTP_ENCRYPTION_KEYS=",".join(parse_keys(app.config["TOTP_ENCRYPTION_KEYS"])))
    admin = AdministratorFactory()
    db.session.commit()
    made = api_clients.register_client(admin, "ESDH", ["events:read"], 120)
    secret = webhooks.subscribe(admin, made.client.id, receiver.url, ["case.decided"]).secret
    start_celery("worker")
    start_celery("beat")
    for seq in range(EVENTS):
        with transaction():
            events.record("case.decided", case_id=5000 + seq % CASES, subjects={"case_id": 5000 + seq % CASES},
                          data={"seq": seq})
    time.sleep(6)  # down: every attempt refused, the rows wait for their next attempt
    statuses = list(_webhook_statuses().values())
    # Each case's first delivery is tried and waits for its next attempt; the rest are held, never tried.
    assert not receiver.received and (statuses.count("pending"), statuses.count("held")) == (CASES, EVENTS - CASES)
    untried = db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(
        OutboxMessage.status == "held", OutboxMessage.attempts == 0))
    db.session.rollback()
    assert untried == EVENTS - CASES

    receiver.up()
    wait_for(lambda: set(_webhook_statuses().values()) == {"delivered"} and len(receiver.received) >= EVENTS,
             f"{EVENTS} webhooks delivered", timeout=120)
    client = private_redis.client()
    wait_for(lambda: client.llen("celery") == 0 and client.hlen("unacked") == 0, "the broker queue to drain")
    ids = [headers["webhook-id"] for headers, _body, _at in receiver.received]
    assert len(ids) == EVENTS and len(set(ids)) == EVENTS
    assert all(verify(secret, headers, body, at) for headers, body, at in receiver.received)
    per_case: dict[int, list[int]] = {}
    for _headers, body, _at in receiver.received:
        data = json.loads(body)["data"]
        per_case.setdefault(data["subjects"]["case_id"], []).append(data["data"]["seq"])
    assert all(seqs == sorted(seqs) for seqs in per_case.values()) and len(per_case) == CASES

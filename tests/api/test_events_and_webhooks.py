"""The event feed (/api/v1/events) and webhooks: a real receiver on loopback, the real outbox delivery path."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import AdminEvent, ApiEvent, OutboxMessage, ReadEvent, WebhookAttempt, WebhookDelivery
from app.services.integrations import events, webhooks
from app.services.journals.audit import SetupError
from app.services.unit_of_work import transaction
from app.tasks.notices import sweep_outbox
from tests.api.conftest import bearer, token_for
from tests.factories import (AssociationFactory, CaseFactory, CaseworkerFactory, CommitteeFactory, CommitteeUserFactory,
                             PoolFactory, UserFactory)
from tests.webhook_receiver import Receiver, verify

@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.down()


def _decided(case_id: int, seq: int) -> None:
    with transaction():  # what a deciding use case does: the event in its own commit
        events.record("case.decided", case_id=case_id, subjects={"case_id": case_id}, data={"seq": seq})


def _pending() -> int:
    return db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(
        OutboxMessage.channel == "webhook", OutboxMessage.status == "pending"))


def test_hundred_events_through_an_outage_arrive_once_each_signed_and_in_order_per_case(app, client, admin,
                                                                                          receiver):
    api_client, _token = token_for(client, admin, "ESDH", ["events:read"])
    secret = webhooks.subscribe(admin, api_client.id, receiver.url, ["case.decided"]).secret
    for seq in range(100):  # ten cases, interleaved; the receiver is down: every first attempt is refused
        _decided(case_id=1000 + seq % 10, seq=seq)
    assert _pending() == 100 and not receiver.received

    start = clock.now()
    while clock.now() < start + timedelta(hours=5):  # five hours of outage, the sweep running meanwhile
        clock.freeze(clock.now() + timedelta(minutes=10))
        sweep_outbox()
    assert _pending() == 100 and not receiver.received
    refused = db.session.scalar(db.select(db.func.count(WebhookAttempt.id)).where(WebhookAttempt.ok.is_(False)))
    assert refused > 200  # each tried again and again, every attempt in the delivery log

    receiver.up()
    back = clock.now()
    for _ in range(200):  # small steps: the jitter makes a later delivery due before an earlier one of its case
        if not _pending():
            break
        clock.freeze(clock.now() + timedelta(minutes=6))
        sweep_outbox()
    assert _pending() == 0
    # Each case's first delivery is due within one retry interval (OUTBOX_RETRY_MAX_SECONDS); the rest of the case
    # follows at once, not one retry interval each (that took six hours here).
    assert clock.now() - back <= timedelta(seconds=app.config["OUTBOX_RETRY_MAX_SECONDS"]) + timedelta(minutes=6)

    ids = [headers["webhook-id"] for headers, _body, _at in receiver.received]
    assert len(ids) == 100 and len(set(ids)) == 100  # each exactly once
    assert all(verify(secret, headers, body, at) for headers, body, at in receiver.received)
    assert not verify(secret, receiver.received[0][0], receiver.received[0][1] + b" ", receiver.received[0][2])
    per_case: dict[int, list[int]] = {}
    for _headers, body, _at in receiver.received:
        data = json.loads(body)["data"]
        per_case.setdefault(data["subjects"]["case_id"], []).append(data["data"]["seq"])
    assert len(per_case) == 10
    assert all(seqs == sorted(seqs) and len(seqs) == 10 for seqs in per_case.values())
    assert db.session.scalar(db.select(db.func.count(WebhookAttempt.id)).where(WebhookAttempt.ok.is_(True))) == 100
    waited = db.session.scalar(db.select(db.func.count(WebhookAttempt.id)).where(
        WebhookAttempt.detail.like("waiting for delivery%")))
    assert waited > 0  # later ones of a case were held back while an earlier one was pending


def test_send_again_is_a_new_delivery_of_the_same_message_and_journaled(app, client, admin, receiver):
    api_client, _token = token_for(client, admin, "ESDH", ["events:read"])
    secret = webhooks.subscribe(admin, api_client.id, receiver.url, ["case.decided"]).secret
    receiver.up()
    _decided(case_id=7, seq=1)
    first = db.session.scalar(db.select(WebhookDelivery))
    webhooks.send_again(admin, first.id)
    assert [h["webhook-id"] for h, _b, _a in receiver.received] == [f"msg_{first.event_id}"] * 2
    assert all(verify(secret, h, b, a) for h, b, a in receiver.received)
    assert db.session.scalar(db.select(AdminEvent).where(AdminEvent.entity_type == "webhook",
                                                         AdminEvent.action == "send_again")) is not None


def test_a_client_without_events_read_gets_403(app, client, admin):
    _row, token = token_for(client, admin, "Bookingskærm", ["bookings:read"])
    resp = client.get("/api/v1/events", headers=bearer(token))
    assert resp.status_code == 403
    assert resp.content_type.startswith("application/problem+json")
    assert client.get("/api/v1/events").status_code == 401


def test_the_feed_pages_by_cursor_and_logs_the_cases_read(app, client, admin):
    api_client, token = token_for(client, admin, "ESDH", ["events:read"])
    pool = PoolFactory()
    made = [CaseFactory(pool=pool, state="submitted", submitted_at=clock.now()) for _ in range(2)]
    db.session.commit()
    case_ids = [c.id for c in made]
    for seq in range(5):
        _decided(case_id=case_ids[seq % 2], seq=seq)
    first = client.get("/api/v1/events?limit=3", headers=bearer(token)).get_json()
    assert [e["data"]["seq"] for e in first["items"]] == [0, 1, 2]
    rest = client.get(f"/api/v1/events?after={first['next_cursor']}", headers=bearer(token)).get_json()
    assert [e["data"]["seq"] for e in rest["items"]] == [3, 4]
    again = client.get(f"/api/v1/events?after={rest['next_cursor']}", headers=bearer(token)).get_json()
    assert again == {"items": [], "next_cursor": rest["next_cursor"]}  # poll with the same cursor
    assert first["items"][0]["type"] == "case.decided" and first["items"][0]["subjects"] == {"case_id": case_ids[0]}
    reads = db.session.scalars(db.select(ReadEvent.case_id).where(ReadEvent.api_client_id == api_client.id))
    assert set(reads) == set(case_ids)


def test_positions_follow_commits_not_ids(app, client, admin):
    """An event whose id was drawn first but that committed last comes after the cursor, not behind it."""
    _row, token = token_for(client, admin, "ESDH", ["events:read"])
    db.session.add(ApiEvent(id=10, type="payout.approved", case_id=None, subjects={}, data={}, occurred_at=clock.now()))
    db.session.commit()
    first = client.get("/api/v1/events", headers=bearer(token)).get_json()
    assert [e["event_id"] for e in first["items"]] == [10]
    # id 5 was taken by a transaction that commits only now
    db.session.add(ApiEvent(id=5, type="payout.approved", case_id=None, subjects={}, data={}, occurred_at=clock.now()))
    db.session.commit()
    later = client.get(f"/api/v1/events?after={first['next_cursor']}", headers=bearer(token)).get_json()
    assert [e["event_id"] for e in later["items"]] == [5]
    assert later["items"][0]["id"] > first["items"][0]["id"]


def test_transitions_write_submitted_and_decided_events(app, factory):
    chair = UserFactory(email="formand@example.dk")
    association = AssociationFactory(members=(chair,))
    caseworker = CaseworkerFactory(email="sb@example.dk")
    pool = PoolFactory(committee=CommitteeFactory(members=(CommitteeUserFactory(email="u@example.dk"),)))
    db.session.commit()
    case = factory.decided_case(pool, association, chair, caseworker, 10_000)
    got = [(e.type, e.case_id) for e in db.session.scalars(db.select(ApiEvent).order_by(ApiEvent.id))]
    assert got[:2] == [("case.submitted", case.id), ("case.decided", case.id)]
    assert ("letter.issued", case.id) in got  # the decision letter, rendered by the outbox's letter channel


@pytest.mark.parametrize("url,loopback_allowed,ok", [
    ("https://esdh.kommune.dk/hooks", False, True),
    ("http://esdh.kommune.dk/hooks", True, False),
    ("http://127.0.0.1:8000/hooks", True, True),
    ("http://127.0.0.1:8000/hooks", False, False),
    ("http://localhost/hooks", True, True),
    ("ftp://esdh.kommune.dk/", True, False),
])
def test_webhook_urls_need_https_except_loopback_when_allowed(app, url, loopback_allowed, ok):
    app.config["WEBHOOK_ALLOW_LOOPBACK_HTTP"] = loopback_allowed
    if ok:
        assert webhooks.check_url(url) == url
    else:
        with pytest.raises(SetupError):
            webhooks.check_url(url)


def test_the_admin_page_subscribes_shows_the_secret_once_and_the_log(app, client, auth, admin, receiver):
    api_client, _token = token_for(client, admin, "ESDH", ["events:read"])
    auth.login("anne@kommune.dk")
    resp = client.post(f"/admin/integrationer/{api_client.id}",
                       data={"url": receiver.url, "event_types": ["case.decided", "letter.issued"]})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "whsec_" in page
    assert "whsec_" not in client.get(f"/admin/integrationer/{api_client.id}").get_data(as_text=True)
    _decided(case_id=5, seq=0)  # the receiver is down
    page = client.get(f"/admin/integrationer/{api_client.id}").get_data(as_text=True)
    assert "case.decided" in page and "Afventer" in page

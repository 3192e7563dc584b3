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
    assert (_pending(), _held()) == (10, 90) and not receiver.received  # only each case's first is tried

    start = clock.now()
    while clock.now() < start + timedelta(hours=5):  # five hours of outage, the sweep running meanwhile
        clock.freeze(clock.now() + timedelta(minutes=10))
        sweep_outbox()
    assert _pending() == 10 and _held() == 90 and not receiver.received
    # Only each case's first delivery tried the receiver, again and again, every attempt in the delivery log; the
    # ninety behind them waited untouched: no attempt counted, no backoff, nothing logged.
    tried = dict(db.session.execute(db.select(WebhookAttempt.delivery_id, db.func.count()).group_by(
        WebhookAttempt.delivery_id)).all())
    firsts = _first_of_each_case()
    assert set(tried) == firsts and min(tried.values()) >= 6
    held = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.status == "held")).all()
    assert all(m.attempts == 0 and m.next_attempt_at is None and m.last_error is None for m in held)

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
    db.session.expire_all()  # the held rows read above, as they are now
    later = db.session.scalars(db.select(WebhookDelivery).where(WebhookDelivery.id.not_in(firsts))).all()
    assert len(later) == 90  # each sent once, at its first attempt
    assert [(d.outbox_message.attempts, [a.ok for a in d.attempts]) for d in later] == [(1, [True])] * 90


def _held() -> int:
    return db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(
        OutboxMessage.channel == "webhook", OutboxMessage.status == "held"))


def _first_of_each_case() -> set[int]:
    return set(db.session.scalars(db.select(db.func.min(WebhookDelivery.id)).group_by(WebhookDelivery.case_id)))


def _seqs(receiver: Receiver) -> list[int]:
    return [json.loads(body)["data"]["data"]["seq"] for _headers, body, _at in receiver.received]


def _until_failed(delivery_id: int) -> None:
    """A receiver that never answers, the sweep running: the delivery's retry window ends, it fails."""
    row = db.session.get(WebhookDelivery, delivery_id).outbox_message
    for _ in range(200):
        if row.status == "failed":
            return
        clock.freeze(clock.now() + timedelta(minutes=30))
        sweep_outbox()
        db.session.refresh(row)
    raise AssertionError("the delivery did not fail")


@pytest.fixture
def failed_case(app, client, admin, receiver):
    """Case 41's first delivery failed for good while the receiver was down; its two later ones are held."""
    app.config["OUTBOX_RETRY_HOURS"] = 3  # the window's length is not the point here; fewer sweeps to its end
    api_client, _token = token_for(client, admin, "ESDH", ["events:read"])
    secret = webhooks.subscribe(admin, api_client.id, receiver.url, ["case.decided"]).secret
    for seq in range(3):
        _decided(case_id=41, seq=seq)
    first, *later = db.session.scalars(db.select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    _until_failed(first.id)
    assert [d.outbox_message.status for d in later] == ["held", "held"]
    assert all(d.outbox_message.attempts == 0 and not d.attempts for d in later)
    return api_client, secret, first, later


def test_a_final_failure_holds_the_later_ones_of_its_case_only_until_skipped(app, client, auth, admin, receiver,
                                                                               failed_case):
    api_client, secret, first, later = failed_case
    receiver.up()
    _decided(case_id=42, seq=100)  # another case is not held by case 41's failure
    assert _seqs(receiver) == [100]
    for _ in range(6):  # hours pass with the receiver up: case 41's later ones stay held, untried
        clock.freeze(clock.now() + timedelta(hours=1))
        sweep_outbox()
    assert _seqs(receiver) == [100] and all(d.outbox_message.status == "held" for d in later)
    auth.login("anne@kommune.dk")
    page = client.get(f"/admin/integrationer/{api_client.id}").get_data(as_text=True)
    assert page.count("Venter på en tidligere levering") == 2 and "Spring leverancen over" in page

    resp = client.post(f"/admin/integrationer/{api_client.id}/leverancer/{first.id}/spring-over",
                       follow_redirects=True)
    assert resp.status_code == 200 and "Leverancen er sprunget over" in resp.get_data(as_text=True)
    assert _seqs(receiver) == [100, 1, 2]  # released in order; the skipped one never sent
    assert all(verify(secret, h, b, a) for h, b, a in receiver.received)
    assert db.session.get(WebhookDelivery, first.id).skipped_at is not None
    journal = db.session.scalar(db.select(AdminEvent).where(AdminEvent.entity_type == "webhook",
                                                            AdminEvent.action == "skip"))
    assert journal is not None and journal.after["delivery_id"] == first.id
    again = client.post(f"/admin/integrationer/{api_client.id}/leverancer/{first.id}/spring-over",
                        follow_redirects=True)
    assert again.status_code == 200 and "Kun en fejlet levering" in again.get_data(as_text=True)


def test_send_again_of_a_failed_delivery_lets_the_later_ones_follow_once_it_succeeds(app, admin, receiver,
                                                                                    failed_case):
    _api_client, secret, first, later = failed_case
    sent = webhooks.send_again(admin, first.id)  # still down: tried again in its place, with a new window
    assert sent.id == first.id and first.outbox_message.status == "pending"
    assert all(d.outbox_message.status == "held" for d in later)
    receiver.up()
    for _ in range(12):
        if len(receiver.received) == 3:
            break
        clock.freeze(clock.now() + timedelta(minutes=10))
        sweep_outbox()
    assert _seqs(receiver) == [0, 1, 2]
    db.session.expire_all()
    assert all(verify(secret, h, b, a) for h, b, a in receiver.received)
    assert all(d.outbox_message.attempts == 1 for d in later)
    assert db.session.scalar(db.select(db.func.count(WebhookDelivery.id))) == 3  # no new delivery was needed


def test_the_sweep_releases_a_held_delivery_whose_release_was_lost(app, client, admin, receiver):
    api_client, _token = token_for(client, admin, "ESDH", ["events:read"])
    webhooks.subscribe(admin, api_client.id, receiver.url, ["case.decided"])
    _decided(case_id=9, seq=0)
    _decided(case_id=9, seq=1)
    first, second = db.session.scalars(db.select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert second.outbox_message.status == "held"
    first.outbox_message.status = "delivered"  # as if its worker died between its commit and the release
    db.session.commit()
    receiver.up()
    sweep_outbox()
    assert _seqs(receiver) == [1] and second.outbox_message.status == "delivered"


def test_skip_is_for_administrators_and_for_the_clients_own_deliveries(app, client, auth, admin, failed_case,
                                                                       factory):
    api_client, _secret, first, _later = failed_case
    other, _token = token_for(client, admin, "Økonomi", ["events:read"])
    factory.user(role="caseworker", email="sb@kommune.dk")
    db.session.commit()
    auth.login("sb@kommune.dk")
    assert client.post(f"/admin/integrationer/{api_client.id}/leverancer/{first.id}/spring-over").status_code == 403
    auth.logout()
    auth.login("anne@kommune.dk")
    assert client.post(f"/admin/integrationer/{other.id}/leverancer/{first.id}/spring-over").status_code == 404
    assert db.session.get(WebhookDelivery, first.id).skipped_at is None


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

"""The yearly cycle's decisions reach the API's event feed and webhooks like any other decision, in the same commit."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ApiEvent, Case, CaseEvent, WebhookDelivery
from app.services.committee import decisions, subsidy_batches
from app.services.integrations import api_clients, webhooks
from app.services.unit_of_work import transaction
from app.services.yearly import batches
from tests.api.conftest import bearer, get_token
from tests.services.yearly.test_settlement import Settling
from tests.webhook_receiver import Receiver


@pytest.fixture
def receiver():
    made = Receiver()
    made.up()
    yield made
    made.down()


def _on_agenda(yearly):
    yearly.report(under_25=40)
    yearly.report(under_25=0, over_25=12)  # the formula gives 0 kr.: a refusal, decided all the same
    batch = batches.calculate_batch(yearly.scheme.id, yearly.caseworker)
    meeting = yearly.meeting()
    subsidy_batches.put_on_agenda(batch.id, meeting.id, yearly.caseworker)
    subsidy_batches.record_batch_proposal(meeting.id, batch.id, yearly.chair, "approve")
    return batch, meeting


def _yearly_cases() -> list[Case]:
    return list(db.session.scalars(sa.select(Case).where(Case.workflow == "yearly_subsidy", Case.number.is_not(None))
                                   .order_by(Case.id)))


def _events(event_type: str) -> list[ApiEvent]:
    return list(db.session.scalars(sa.select(ApiEvent).where(ApiEvent.type == event_type).order_by(ApiEvent.id)))


def test_a_batch_decision_shows_one_decided_event_per_case_in_the_feed_and_one_webhook_each(yearly, client,
                                                                                           receiver):
    made = api_clients.register_client(yearly.admin, "ESDH", ["events:read"], 1000)
    webhooks.subscribe(yearly.admin, made.client.id, receiver.url, ["case.decided", "letter.issued"])
    db.session.commit()
    token = get_token(client, made)
    _batch, meeting = _on_agenda(yearly)

    assert decisions.close_meeting(meeting.id, yearly.chair) is True

    cases = _yearly_cases()
    feed = client.get("/api/v1/events?limit=100", headers=bearer(token)).get_json()["items"]
    decided = [e for e in feed if e["type"] == "case.decided"]
    assert [(e["subjects"]["case_id"], e["data"]["granted_amount"], e["data"]["state"]) for e in decided] == [
        (cases[0].id, 8_200, "granted"), (cases[1].id, 0, "rejected")]
    assert decided[0]["subjects"] == {"case_id": cases[0].id, "pool_id": yearly.yearly_pool.id,
                                      "association_id": cases[0].association_id}
    assert decided[0]["data"]["number"] == cases[0].number and decided[0]["data"]["workflow"] == "yearly_subsidy"
    letters = sorted(e["subjects"]["case_id"] for e in feed if e["type"] == "letter.issued")
    assert letters == [cases[0].id, cases[1].id]  # each decision's letter, once rendered
    assert not [e for e in feed if e["type"] == "case.submitted"]  # nobody applies: the cases are born decided

    deliveries = db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert sorted(d.event_id for d in deliveries) == sorted(e["event_id"] for e in feed)  # one per event
    got = [json.loads(body) for _headers, body, _at in receiver.received]
    assert sorted((b["type"], b["data"]["subjects"]["case_id"]) for b in got) == sorted(
        (e["type"], e["subjects"]["case_id"]) for e in feed)
    # The journal keeps its transition entry as before, written by the same shared code.
    assert db.session.scalar(sa.select(sa.func.count(CaseEvent.id)).where(
        CaseEvent.case_id.in_([c.id for c in cases]), CaseEvent.kind == "transition")) == 2


def test_a_batch_decision_rolled_back_leaves_no_event_and_no_delivery(yearly, receiver):
    made = api_clients.register_client(yearly.admin, "ESDH", ["events:read"], 1000)
    webhooks.subscribe(yearly.admin, made.client.id, receiver.url, ["case.decided"])
    db.session.commit()
    batch, meeting = _on_agenda(yearly)

    class Interrupted(Exception):
        pass

    # The close's own unit of work, failing after the batch became cases (a crash, a lost connection).
    with pytest.raises(Interrupted), transaction():
        subsidy_batches.decide(db.session.get(type(batch), batch.id), meeting, yearly.chair)
        db.session.flush()
        assert len(_events("case.decided")) == 2  # written, not yet committed
        raise Interrupted()

    db.session.expire_all()
    assert _yearly_cases() == [] and _events("case.decided") == []
    assert db.session.scalar(sa.select(sa.func.count(WebhookDelivery.id))) == 0 and receiver.received == []
    assert decisions.close_meeting(meeting.id, yearly.chair) is True  # nothing half-done stops the real close
    assert len(_events("case.decided")) == 2


def test_a_settlement_decides_nothing_new_and_a_case_it_closes_is_journalled_through_the_shared_code(app):
    settling = Settling()
    rich = settling.case_of(settling.rich)
    settling.pay(settling.poor, 2)  # 3.250 kr. paid of the 6.500 kr. advance
    poor = settling.case_of(settling.poor)
    decided_before = len(_events("case.decided"))
    settling.actual(settling.rich, 20_000)
    settling.actual(settling.poor, 4_000)  # final 2.600 kr.: less than paid, a claim, nothing left to pay
    _batch, meeting = settling.settle()

    decisions.close_meeting(meeting.id, settling.chair)

    # A settlement corrects decisions, as a correction does: no second case.decided, a new letter each.
    assert len(_events("case.decided")) == decided_before
    assert {e.case_id for e in _events("letter.issued")} >= {rich.id, poor.id}
    closed = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == poor.id,
                                                          CaseEvent.action == "mark_paid"))
    assert closed is not None and (closed.from_state, closed.to_state) == ("granted", "closed")
    assert db.session.get(Case, poor.id).state == "closed"

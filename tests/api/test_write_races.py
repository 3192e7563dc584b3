"""Two integrations answering at the same moment (PostgreSQL's row locks): one wins, the other gets a problem 409
in Danish, never a 500, and nothing is half-written."""
from __future__ import annotations

import threading

import pytest

from app import clock
from app.extensions import db
from app.models import Case, CaseEvent, PaymentBatchLine
from app.services.money import payouts
from tests.api.conftest import bearer, count, token_for


def _at_once(app, requests) -> list:
    """Each request from its own thread and test client, released together; the responses' (status, body)."""
    barrier, results = threading.Barrier(len(requests)), []

    def run(method, url, token, body):
        with app.test_client() as own:
            barrier.wait()
            resp = getattr(own, method)(url, json=body, headers=bearer(token))
            results.append((resp.status_code, resp.get_json()))
    threads = [threading.Thread(target=run, args=r) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.fixture
def granted(world):
    return world.granted(10_000)


@pytest.fixture
def sent_line_id(world, granted) -> int:
    batch = payouts.create_batch(world.caseworker, clock.today())
    world.approve(batch)
    payouts.mark_sent(batch.id, world.caseworker)
    return db.session.scalar(db.select(PaymentBatchLine.id).where(PaymentBatchLine.batch_id == batch.id))


@pytest.mark.postgres
def test_two_journal_numbers_at_once_one_wins_the_other_is_409(app, client, granted, admin):
    case = granted
    _a, first = token_for(client, admin, "SBSYS", ["cases:write"])
    _b, second = token_for(client, admin, "Acadre", ["cases:write"])
    url = f"/api/v1/cases/{case.id}/esdh-journal-number"
    db.session.remove()
    results = _at_once(app, [("put", url, first, {"journal_number": "A-1"}),
                             ("put", url, second, {"journal_number": "B-2"})])
    assert sorted(status for status, _body in results) == [200, 409], results
    loser = next(body for status, body in results if status == 409)
    assert loser["status"] == 409 and "Sagen har allerede" in loser["detail"]
    winner = next(body for status, body in results if status == 200)["esdh_journal_number"]
    assert db.session.get(Case, case.id).esdh_journal_number == winner
    assert count(CaseEvent, CaseEvent.kind == "esdh") == 1


@pytest.mark.postgres
def test_two_answers_for_one_line_at_once_one_wins_the_other_is_409(app, client, sent_line_id, admin):
    line_id = sent_line_id
    _a, token = token_for(client, admin, "OPUS", ["payouts:write"])
    url = f"/api/v1/payout-lines/{line_id}/result"
    db.session.remove()
    results = _at_once(app, [("put", url, token, {"status": "paid", "finance_reference": "P-1"}),
                             ("put", url, token, {"status": "failed", "finance_reference": "F-1"})])
    assert sorted(status for status, _body in results) == [200, 409], results
    winner = next(body for status, body in results if status == 200)
    line = db.session.get(PaymentBatchLine, line_id)
    assert (line.status, line.finance_reference) == (winner["status"], winner["finance_reference"])
    assert count(CaseEvent, CaseEvent.kind == "payout") == 1

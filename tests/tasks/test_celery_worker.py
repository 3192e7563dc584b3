"""The notice pipeline with real services: PostgreSQL, Redis, Celery worker and beat, an SMTP server."""
from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable

import pytest

from app.extensions import db
from app.models import OutboxMessage
from app.services.accounts.accounts import sign_up
from tests.tasks.conftest import CeleryProcess, RedisServer, SmtpSink, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

BATCH = 20


def _sign_up_batch() -> list[float]:
    """Sign up BATCH people, one commit (and one confirm_email notice) each; returns the durations."""
    durations = []
    for n in range(BATCH):
        started = time.monotonic()
        sign_up(f"person{n}@example.dk", "en-god-adgangskode-42", f"Person {n}")
        durations.append(time.monotonic() - started)
    return durations


def _statuses() -> dict[int, str]:
    """Outbox status by id as committed right now (no transaction is left open)."""
    rows = db.session.execute(db.select(OutboxMessage.id, OutboxMessage.status)).all()
    db.session.rollback()
    return dict(rows)


def _delivered() -> set[int]:
    return {message_id for message_id, status in _statuses().items() if status == "delivered"}


def _all_delivered(sink: SmtpSink) -> bool:
    return len(sink.messages) >= BATCH and len(_delivered()) == BATCH


def _progress(sink: SmtpSink, *processes: CeleryProcess) -> Callable[[], str]:
    """What the test saw, for a timeout message."""
    def describe() -> str:
        logs = "\n".join(p.log()[-2000:] for p in processes)
        return f"received {sorted(sink.outbox_ids())}\nstatuses {_statuses()}\n{logs}"
    return describe


def _wait_until_drained(redis: RedisServer) -> None:
    """Nothing left in the queue and nothing unacknowledged, so no late duplicate can arrive."""
    client = redis.client()
    wait_for(lambda: client.llen("celery") == 0 and client.hlen("unacked") == 0, "the broker queue to drain")


def _assert_each_mailed_once(sink: SmtpSink, ids: list[int]) -> None:
    received = sink.outbox_ids()
    assert len(ids) == BATCH
    assert sorted(received) == sorted(ids), f"expected each of {sorted(ids)} once, got {sorted(received)}"
    assert {m["Message-ID"] for m in sink.messages} == {f"<outbox-{i}@foreningsstotte.local>" for i in ids}
    assert set(_statuses().values()) == {"delivered"}


def test_every_notice_is_mailed_once(worker, smtp_sink, private_redis):
    _sign_up_batch()
    ids = list(_statuses())
    wait_for(lambda: _all_delivered(smtp_sink), f"{BATCH} e-mails and delivered rows",
             detail=_progress(smtp_sink, worker))
    _wait_until_drained(private_redis)
    _assert_each_mailed_once(smtp_sink, ids)


def test_broker_outage_loses_nothing(worker, start_celery, smtp_sink, private_redis, caplog):
    private_redis.stop()
    with caplog.at_level(logging.WARNING, logger="app"):
        durations = _sign_up_batch()
    # Every publish gives up at once (no retries, short socket timeouts): sign-ups take milliseconds, as with
    # the broker up. Kombu's defaults retry each publish for most of a second. One sign-up on a loaded machine
    # may still take a moment (CI once saw 2.4 s among nineteen of 10 ms): none may be held for long.
    typical = statistics.median(durations)
    assert typical < 0.25, f"a sign-up took {typical:.2f}s (median) with the broker down: {durations}"
    assert max(durations) < 5.0, f"a sign-up took {max(durations):.1f}s with the broker down"
    assert caplog.text.count("not dispatched") == BATCH
    ids = list(_statuses())
    assert set(_statuses().values()) == {"pending"} and smtp_sink.messages == []

    private_redis.start()
    beat = start_celery("beat")  # the sweep re-sends what the outage left pending
    wait_for(lambda: _all_delivered(smtp_sink), f"{BATCH} e-mails after the broker came back",
             detail=_progress(smtp_sink, worker, beat))
    beat.stop()
    _wait_until_drained(private_redis)
    _assert_each_mailed_once(smtp_sink, ids)


def test_killed_worker_loses_and_duplicates_nothing(worker, start_celery, smtp_sink, private_redis):
    # Hold the sixth and later messages before the server accepts them, so the kill lands while
    # both pool processes are mid-send and no accepted message is still waiting for its commit.
    smtp_sink.hold_after = 5
    _sign_up_batch()
    ids = list(_statuses())
    wait_for(lambda: smtp_sink.held == 2 and set(smtp_sink.outbox_ids()) <= _delivered(),
             "both pool processes to be mid-send", detail=_progress(smtp_sink, worker))
    worker.kill()
    wait_for(lambda: smtp_sink.held == 0, "the killed worker's SMTP sessions to close", timeout=10)
    smtp_sink.release()
    assert len(_delivered()) == 5 and len(smtp_sink.messages) == 5

    restarted = start_celery("worker")
    wait_for(lambda: _all_delivered(smtp_sink), f"{BATCH} e-mails after the worker restarted",
             detail=_progress(smtp_sink, worker, restarted))
    _wait_until_drained(private_redis)
    _assert_each_mailed_once(smtp_sink, ids)


PAUSED = 8


def test_paused_broker_holds_no_request_and_loses_nothing(worker, start_celery, smtp_sink, private_redis, client):
    assert client.get("/konto/opret").status_code == 200  # the page's first render is not the broker's time
    private_redis.pause()  # hung, not down: a publish waits on an open socket that never answers
    durations = []
    try:
        for n in range(PAUSED):
            started = time.monotonic()
            response = client.post("/konto/opret", data={
                "full_name": f"Person {n}", "email": f"paused{n}@example.dk",
                "password": "en-god-adgangskode-42", "password_again": "en-god-adgangskode-42"})
            durations.append(time.monotonic() - started)
            assert response.status_code == 302
            client.post("/konto/log-ud")
    finally:
        private_redis.resume()
    assert max(durations) < 2.0, f"sign-ups took {[round(d, 1) for d in durations]}s with the broker paused"
    ids = list(_statuses())
    assert len(ids) == PAUSED and set(_statuses().values()) == {"pending"} and smtp_sink.messages == []

    beat = start_celery("beat")  # the sweep sends what the pause left pending
    wait_for(lambda: len(_delivered()) == PAUSED, f"{PAUSED} e-mails after the broker came back",
             detail=_progress(smtp_sink, worker, beat))
    beat.stop()
    _wait_until_drained(private_redis)
    assert sorted(smtp_sink.outbox_ids()) == sorted(ids)  # each exactly once

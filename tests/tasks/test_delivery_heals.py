"""Delivery that heals: notices outlive an SMTP outage on the row's retry schedule, then fail loudly.

In process (eager Celery) with the app clock moved step by step, on SQLite and PostgreSQL; the racing
re-send needs PostgreSQL's row locks.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import OutboxMessage
from app.services import unit_of_work
from app.services.delivery import outbox
from app.services.delivery.failures import TEMPLATE as DIGEST
from app.services.delivery.mail import read_log
from app.tasks.notices import sweep_outbox
from tests.tasks.conftest import free_port, wait_for

START = datetime(2031, 3, 2, 10, 0)  # Copenhagen wall-clock time


def _notice(email: str) -> int:
    with unit_of_work.transaction():
        msg = outbox.enqueue("confirm_email", email, {"name": "Karen", "link": "https://x.example/bekraeft"})
    return msg.id


def _rows(ids: list[int]) -> dict[int, OutboxMessage]:
    db.session.expire_all()
    return {row.id: row for row in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids)))}


def _sweep_at(moment: datetime) -> None:
    clock.freeze(moment)
    sweep_outbox.apply().get()


def test_smtp_down_for_hours_then_back_every_notice_arrives_once(app, smtp_sink):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    start = clock.local(START)
    with clock.frozen_at(start):
        ids = [_notice(f"person{n}@example.dk") for n in range(5)]  # each tried at once, after its commit
    tried_at = {i: [start] for i in ids}
    step, back = timedelta(seconds=app.config["OUTBOX_SWEEP_SECONDS"]), start + timedelta(hours=4)
    now = start
    while now < back:  # beat's sweep, once a minute for four hours
        now += step
        before = {i: row.attempts for i, row in _rows(ids).items()}
        _sweep_at(now)
        for i, row in _rows(ids).items():
            assert row.status == "pending", f"{i} is {row.status} after {now - start}, before the retry window ended"
            assert row.attempts - before[i] in (0, 1)
            if row.attempts > before[i]:
                tried_at[i].append(now)
    for i in ids:
        gaps = [(b - a).total_seconds() for a, b in zip(tried_at[i], tried_at[i][1:])]
        nominal = [min(3600, 60 * 2 ** n) for n in range(len(gaps))]
        # On schedule: never early beyond the jitter, at most one sweep late.
        assert all(0.8 * due <= gap <= due + step.total_seconds() for gap, due in zip(gaps, nominal)), (i, gaps)
        assert len(gaps) >= 8  # 1, 2, 4, ..., 32 minutes, then hourly: 3 h 3 min, jitter and late sweeps included
    assert smtp_sink.messages == []

    app.config["MAIL_PORT"] = smtp_sink.port  # SMTP is back
    for _ in range(62):
        now += step
        _sweep_at(now)
    assert {row.status for row in _rows(ids).values()} == {"delivered"}
    assert sorted(smtp_sink.outbox_ids()) == sorted(ids)  # each exactly once


def _refuse(monkeypatch, recipient: str) -> None:
    """The e-mail channel fails, transiently, for `recipient` only."""
    adapter = outbox.adapter_for("email")
    real = adapter.deliver

    def refusing(msg, on_accepted):
        if msg.recipient == recipient:
            raise OSError("451 mailbox temporarily unavailable")
        real(msg, on_accepted)
    monkeypatch.setattr(adapter, "deliver", refusing)


def test_failing_for_the_whole_window_fails_is_flagged_and_reported_once(app, client, auth, factory, monkeypatch):
    factory.user(role="administrator", email="anne@kommune.dk", name="Anne Admin")
    factory.user(role="administrator", email="bo@kommune.dk", name="Bo Berg")
    db.session.commit()
    _refuse(monkeypatch, "lost@example.dk")
    start = clock.local(START)
    with clock.frozen_at(start):
        lost, kept = _notice("lost@example.dk"), _notice("kept@example.dk")
    window = start + timedelta(hours=app.config["OUTBOX_RETRY_HOURS"])
    while (row := _rows([lost])[lost]).status == "pending":
        assert clock.now() < window
        _sweep_at(row.next_attempt_at)
    assert (row.status, row.failed_at) == ("failed", window)
    assert _rows([kept])[kept].status == "delivered"

    digests = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == DIGEST)).all()
    assert sorted(d.recipient for d in digests) == ["anne@kommune.dk", "bo@kommune.dk"]
    assert {d.status for d in digests} == {"delivered"}
    mailed = [m for m in read_log(app.config["MAIL_LOG_PATH"]) if m["To"] in ("anne@kommune.dk", "bo@kommune.dk")]
    assert len(mailed) == 2 and all("lost@example.dk" in m.get_content() for m in mailed)
    _sweep_at(window + timedelta(minutes=1))
    _sweep_at(window + timedelta(minutes=2))
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.template == DIGEST)) == 2

    auth.login("anne@kommune.dk")
    page = client.get("/administration/beskeder/").get_data(as_text=True)
    assert "1 besked er opgivet" in page and "/administration/beskeder/?status=failed" in page
    failed = client.get("/administration/beskeder/?status=failed").get_data(as_text=True)
    failed = failed.split("Udviklingens e-mail-log")[0]  # the table, not the development mail log below it
    assert "lost@example.dk" in failed and "kept@example.dk" not in failed and "451 mailbox" in failed


def test_a_retried_row_gets_a_new_window_and_is_reported_again(app, factory, monkeypatch):
    factory.user(role="administrator", email="anne@kommune.dk", name="Anne Admin")
    db.session.commit()
    _refuse(monkeypatch, "lost@example.dk")
    with clock.frozen_at(START):
        lost = _notice("lost@example.dk")
    while (row := _rows([lost])[lost]).status == "pending":
        _sweep_at(row.next_attempt_at)
    later = row.failed_at + timedelta(days=3)
    clock.freeze(later)
    assert outbox.retry(lost) is not None  # "Send igen": tried at once, and fails again
    row = _rows([lost])[lost]
    assert (row.status, row.attempts, row.retry_until) == ("pending", 1, later + timedelta(hours=48))
    while (row := _rows([lost])[lost]).status == "pending":
        _sweep_at(row.next_attempt_at)
    assert row.failed_at == later + timedelta(hours=48)
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.template == DIGEST)) == 2


def _waiting_on_a_lock() -> int:
    with db.engine.connect() as conn:
        return conn.scalar(sa.text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"))


@pytest.mark.postgres
def test_a_resend_racing_a_failing_attempt_waits_and_counts_nothing(app, monkeypatch):
    monkeypatch.setattr(outbox, "dispatch", lambda ids: None)
    message_id = _notice("karen@example.dk")
    adapter = outbox.adapter_for("email")
    entered, release, calls = threading.Event(), threading.Event(), []

    def slow_failure(msg, on_accepted):
        calls.append(msg.id)
        entered.set()
        release.wait(10)
        raise OSError("connection reset")
    monkeypatch.setattr(adapter, "deliver", slow_failure)
    results: dict[str, object] = {}

    def run(name: str) -> None:
        with app.app_context():
            try:
                results[name] = outbox.deliver(message_id)
            except OSError as exc:
                results[name] = exc
            finally:
                db.session.remove()

    first = threading.Thread(target=run, args=("first",))
    first.start()
    assert entered.wait(10)
    second = threading.Thread(target=run, args=("second",))  # the sweep's re-send of the same row
    second.start()
    wait_for(lambda: _waiting_on_a_lock() >= 1, "the re-send to wait for the row lock", timeout=10)
    release.set()
    first.join(10), second.join(10)
    assert isinstance(results["first"], OSError) and results["second"] == "not_due"
    row = _rows([message_id])[message_id]
    assert (row.attempts, calls) == (1, [message_id])

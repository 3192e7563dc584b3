"""Notice delivery and the outbox sweep, in process (eager Celery) on SQLite and PostgreSQL."""
from __future__ import annotations

import logging
import socket
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import OutboxMessage
from app.services.delivery import outbox
from app.services import unit_of_work
from app.services.delivery.mail import read_log
from app.tasks.notices import deliver_notice, sweep_outbox


@pytest.fixture
def dispatched(monkeypatch) -> list[int]:
    """Ids the unit of work hands to Celery, recorded instead of sent."""
    ids: list[int] = []
    monkeypatch.setattr(outbox, "dispatch", ids.extend)
    return ids


@pytest.fixture
def smtp_down(app) -> int:
    """Point the SMTP backend at a local port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    return port


def _notice(email: str = "karen@example.dk", **columns) -> int:
    """Commit one confirm_email notice through the unit of work; returns its id."""
    with unit_of_work.transaction():
        msg = outbox.enqueue("confirm_email", email, {"name": "Karen", "link": "https://x.example/bekraeft"})
        for key, value in columns.items():
            setattr(msg, key, value)
    return msg.id


def _row(message_id: int) -> OutboxMessage:
    """The row as committed (tasks run in their own session)."""
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_deliver_twice_sends_once(app, dispatched):
    message_id = _notice()
    assert deliver_notice.apply(args=[message_id]).get() == "delivered"
    delivered_at = _row(message_id).delivered_at
    assert deliver_notice.apply(args=[message_id]).get() == "delivered"
    row = _row(message_id)
    assert (row.status, row.attempts, row.delivered_at) == ("delivered", 1, delivered_at)
    [mail] = read_log(app.config["MAIL_LOG_PATH"])
    assert mail["X-Outbox-Id"] == str(message_id)
    assert mail["Message-ID"] == f"<outbox-{message_id}@foreningsstotte.local>"


def test_smtp_error_is_recorded_and_row_stays_pending(app, dispatched, smtp_down):
    message_id = _notice()
    with pytest.raises(ConnectionRefusedError):
        outbox.deliver(message_id)
    row = _row(message_id)
    assert (row.status, row.attempts, row.delivered_at) == ("pending", 1, None)
    assert row.last_error.startswith("ConnectionRefusedError")


def test_a_failed_attempt_schedules_the_next_and_an_early_resend_does_nothing(app, smtp_down):
    with clock.frozen_at(datetime(2031, 3, 2, 10, 0)):
        message_id = _notice()  # dispatched after the commit: eager, so attempted at once
        row = _row(message_id)
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.last_error.startswith("ConnectionRefusedError")
        wait = row.next_attempt_at - clock.now()
        assert timedelta(seconds=48) <= wait <= timedelta(seconds=60)
        assert deliver_notice.apply(args=[message_id]).get() == "not_due"  # a racing re-send counts nothing
        assert sweep_outbox.apply().get() == 0
        assert _row(message_id).attempts == 1
    with clock.frozen_at(clock.local(datetime(2031, 3, 2, 10, 0)) + wait):
        assert sweep_outbox.apply().get() == 1
        assert _row(message_id).attempts == 2


def test_retry_delay_doubles_up_to_the_cap_with_jitter():
    def delays(rand):
        return [outbox.retry_delay(n, 60, 3600, rand=rand).total_seconds() for n in range(1, 9)]
    assert delays(lambda: 0.0) == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert delays(lambda: 1.0) == [48, 96, 192, 384, 768, 1536, 2880, 2880]
    assert outbox.retry_delay(10_000, 60, 3600, rand=lambda: 0.0).total_seconds() == 3600


def test_fails_only_when_the_retry_window_has_passed(app, smtp_down):
    start = clock.local(datetime(2031, 3, 2, 10, 0))
    with clock.frozen_at(start):
        message_id = _notice()
    window = start + timedelta(hours=app.config["OUTBOX_RETRY_HOURS"])
    while (row := _row(message_id)).status == "pending":
        assert row.next_attempt_at <= window
        clock.freeze(row.next_attempt_at)
        assert sweep_outbox.apply().get() == 1
    assert (row.status, row.failed_at) == ("failed", window)  # the last attempt falls on the window's end
    assert 48 <= row.attempts <= 70  # 1, 2, 4, ... minutes, then hourly (with jitter) for 48 hours
    assert deliver_notice.apply(args=[message_id]).get() == "failed"
    assert sweep_outbox.apply().get() == 0


def test_sweep_picks_up_only_old_pending_rows(app, dispatched):
    old = clock.now() - timedelta(seconds=app.config["OUTBOX_SWEEP_SECONDS"] + 60)
    old_pending = _notice("a@example.dk", created_at=old)
    _notice("b@example.dk")
    _notice("c@example.dk", created_at=old, status="delivered", delivered_at=old)
    _notice("d@example.dk", created_at=old, status="failed", attempts=8, failure_reported_at=old)  # no new digest
    _notice("e@example.dk", created_at=old, attempts=1, next_attempt_at=clock.now() + timedelta(seconds=30))
    dispatched.clear()
    assert sweep_outbox.apply().get() == 1
    assert dispatched == [old_pending]


def test_sweep_delivers_what_it_picks_up(app, monkeypatch):
    old = clock.now() - timedelta(seconds=app.config["OUTBOX_SWEEP_SECONDS"] + 60)
    monkeypatch.setattr(outbox, "dispatch", lambda ids: None)  # a commit whose dispatch was lost
    message_id = _notice(created_at=old)
    monkeypatch.undo()
    assert sweep_outbox.apply().get() == 1
    assert _row(message_id).status == "delivered"
    assert len(read_log(app.config["MAIL_LOG_PATH"])) == 1


def test_rolled_back_unit_of_work_dispatches_nothing(app, dispatched):
    with pytest.raises(LookupError), unit_of_work.transaction():
        outbox.enqueue("confirm_email", "a@example.dk", {"name": "A", "link": "https://x.example/b"})
        db.session.flush()
        raise LookupError("undone")
    with unit_of_work.transaction():
        pass
    assert dispatched == []
    kept = _notice("b@example.dk")
    assert dispatched == [kept]
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 1


def test_broker_down_leaves_rows_pending_and_fails_fast(app, monkeypatch, caplog):
    attempts: list[int] = []

    def broker_down(message_id: int) -> None:
        attempts.append(message_id)
        raise ConnectionError("broker down")

    monkeypatch.setattr(outbox, "delivery_task", SimpleNamespace(delay=broker_down))
    with caplog.at_level(logging.WARNING), unit_of_work.transaction():
        for n in range(3):
            outbox.enqueue("confirm_email", f"{n}@example.dk", {"name": "A", "link": "https://x.example/b"})
    assert len(attempts) == 1  # the other two are not tried against a broker known to be down
    assert "not dispatched" in caplog.text
    statuses = db.session.scalars(db.select(OutboxMessage.status)).all()
    assert statuses == ["pending"] * 3


def test_delivering_is_a_unit_of_its_own_and_refuses_to_join_a_use_case(app, dispatched):
    message_id = _notice()
    with pytest.raises(RuntimeError), unit_of_work.transaction():
        outbox.deliver(message_id)
    assert _row(message_id).status == "pending"


def test_each_message_commits_on_its_own_and_a_failing_one_keeps_the_others(app, dispatched, monkeypatch):
    first, second = _notice("a@example.dk"), _notice("b@example.dk")
    adapter = outbox.adapter_for("email")
    real = adapter.deliver

    def refuse_b(msg, on_accepted):
        if msg.recipient == "b@example.dk":
            raise OSError("mailbox unavailable")
        real(msg, on_accepted)
    monkeypatch.setattr(adapter, "deliver", refuse_b)
    commits: list[int] = []
    # Database commits, counted on the engine: releasing the adapter's savepoint (PostgreSQL) is none.
    listener = lambda connection: commits.append(1)  # noqa: E731
    sa.event.listen(db.engine, "commit", listener)
    try:
        assert outbox.deliver(first) == "delivered"
        with pytest.raises(OSError):
            outbox.deliver(second)
    finally:
        sa.event.remove(db.engine, "commit", listener)
    assert commits == [1, 1]  # the first message's delivery, then the second's recorded failure
    assert (_row(first).status, _row(second).status, _row(second).attempts) == ("delivered", "pending", 1)


def test_beat_sweeps_the_outbox_every_minute(app):
    # A hand-off lost in a crash waits for the sweep: by default at most a minute or two.
    entry = app.extensions["celery"].conf.beat_schedule["outbox-sweep"]
    assert (entry["task"], entry["schedule"]) == (sweep_outbox.name, 60.0)

"""Notice delivery and the outbox sweep, in process (eager Celery) on SQLite and PostgreSQL."""
from __future__ import annotations

import logging
import smtplib
import socket
from datetime import timedelta
from types import SimpleNamespace

import pytest

from app.extensions import db
from app.models import OutboxMessage
from app.models.base import utcnow
from app.services import outbox, unit_of_work
from app.services.mail import read_log
from app.tasks import notices
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
    msg = outbox.enqueue("confirm_email", email, {"name": "Karen", "link": "https://x.example/bekraeft"})
    for key, value in columns.items():
        setattr(msg, key, value)
    unit_of_work.commit()
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


def test_task_retries_smtp_errors(app, dispatched, smtp_down):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 100
    message_id = _notice()
    result = deliver_notice.apply(args=[message_id])  # eager: the retries run at once
    assert result.failed() and isinstance(result.result, (OSError, smtplib.SMTPException))
    row = _row(message_id)
    assert (row.status, row.attempts) == ("pending", deliver_notice.max_retries + 1)
    assert row.last_error.startswith("ConnectionRefusedError")


def test_gives_up_after_max_attempts(app, dispatched, smtp_down):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    message_id = _notice()
    assert deliver_notice.apply(args=[message_id]).get() == "failed"
    assert deliver_notice.apply(args=[message_id]).get() == "failed"
    row = _row(message_id)
    assert (row.status, row.attempts, row.delivered_at) == ("failed", 3, None)
    assert row.last_error.startswith("ConnectionRefusedError")


def test_sweep_picks_up_only_old_pending_rows(app, dispatched):
    old = utcnow() - timedelta(seconds=app.config["OUTBOX_SWEEP_SECONDS"] + 60)
    old_pending = _notice("a@example.dk", created_at=old)
    _notice("b@example.dk")
    _notice("c@example.dk", created_at=old, status="delivered", delivered_at=old)
    _notice("d@example.dk", created_at=old, status="failed", attempts=8)
    dispatched.clear()
    assert sweep_outbox.apply().get() == 1
    assert dispatched == [old_pending]


def test_sweep_delivers_what_it_picks_up(app, monkeypatch):
    old = utcnow() - timedelta(seconds=app.config["OUTBOX_SWEEP_SECONDS"] + 60)
    monkeypatch.setattr(outbox, "dispatch", lambda ids: None)  # a commit whose dispatch was lost
    message_id = _notice(created_at=old)
    monkeypatch.undo()
    assert sweep_outbox.apply().get() == 1
    assert _row(message_id).status == "delivered"
    assert len(read_log(app.config["MAIL_LOG_PATH"])) == 1


def test_rolled_back_unit_of_work_dispatches_nothing(app, dispatched):
    outbox.enqueue("confirm_email", "a@example.dk", {"name": "A", "link": "https://x.example/b"})
    db.session.flush()
    unit_of_work.rollback()
    unit_of_work.commit()
    assert dispatched == []
    kept = _notice("b@example.dk")
    assert dispatched == [kept]
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 1


def test_broker_down_leaves_rows_pending_and_fails_fast(app, monkeypatch, caplog):
    attempts: list[int] = []

    def broker_down(message_id: int) -> None:
        attempts.append(message_id)
        raise ConnectionError("broker down")

    monkeypatch.setattr(notices, "deliver_notice", SimpleNamespace(delay=broker_down))
    for n in range(3):
        outbox.enqueue("confirm_email", f"{n}@example.dk", {"name": "A", "link": "https://x.example/b"})
    with caplog.at_level(logging.WARNING):
        unit_of_work.commit()
    assert len(attempts) == 1  # the other two are not tried against a broker known to be down
    assert "not dispatched" in caplog.text
    statuses = db.session.scalars(db.select(OutboxMessage.status)).all()
    assert statuses == ["pending"] * 3

"""E-mails delivered in batches (a meeting's notices): one SMTP session for the batch, yet each e-mail claimed,
sent and committed on its own, so a crash sends at most the one being accepted again. In process (eager
Celery) against a real SMTP server, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import OutboxMessage
from app.services import unit_of_work
from app.services.delivery import outbox
from app.tasks.notices import deliver_batch
from tests.tasks.conftest import free_port


def _notices(count: int) -> list[int]:
    """`count` committed confirm_email notices, handed to nobody (dispatch is the test's)."""
    with unit_of_work.delivered_by_caller():
        with unit_of_work.transaction():
            rows = [outbox.enqueue("confirm_email", f"person{n}@example.dk",
                                   {"name": f"Person {n}", "link": "https://x.example/bekraeft"}) for n in range(count)]
    return [row.id for row in rows]


def _rows(ids: list[int]) -> dict[int, OutboxMessage]:
    db.session.expire_all()
    return {row.id: row for row in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids)))}


def _smtp(app, sink) -> None:
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port)


def _count_commits(fn) -> int:
    commits: list[int] = []
    listener = lambda connection: commits.append(1)  # noqa: E731
    sa.event.listen(db.engine, "commit", listener)
    try:
        fn()
    finally:
        sa.event.remove(db.engine, "commit", listener)
    return len(commits)


def test_a_batch_of_emails_shares_one_smtp_session_and_commits_each_and_a_rerun_sends_nothing(app, smtp_sink):
    _smtp(app, smtp_sink)
    ids = _notices(6)
    statuses: dict = {}
    commits = _count_commits(lambda: statuses.update(deliver_batch.apply(args=[ids]).get()))
    assert statuses == {i: "delivered" for i in ids}
    assert sorted(smtp_sink.outbox_ids()) == ids
    assert len(set(smtp_sink.peers)) == 1  # one connection for the six
    assert commits == 6  # each e-mail's delivery is committed the moment it is accepted
    assert {(r.status, r.attempts) for r in _rows(ids).values()} == {("delivered", 1)}
    assert deliver_batch.apply(args=[ids]).get() == {i: "delivered" for i in ids}
    assert sorted(smtp_sink.outbox_ids()) == ids  # nothing sent twice


def test_a_refused_email_is_recorded_and_the_others_of_its_batch_go_out(app, smtp_sink):
    _smtp(app, smtp_sink)
    ids = _notices(4)
    smtp_sink.refuse = {"person1@example.dk"}
    statuses = deliver_batch.apply(args=[ids]).get()
    assert statuses == {ids[0]: "delivered", ids[1]: "pending", ids[2]: "delivered", ids[3]: "delivered"}
    rows = _rows(ids)
    assert (rows[ids[1]].attempts, rows[ids[1]].status) == (1, "pending")
    assert "550" in rows[ids[1]].last_error and rows[ids[1]].next_attempt_at > clock.now()
    assert sorted(smtp_sink.outbox_ids()) == [ids[0], ids[2], ids[3]]
    assert len(set(smtp_sink.peers)) == 2  # after the refusal the batch went on over a new session
    # Retried at once the refused one is not due, the rest are done: nothing is sent.
    assert deliver_batch.apply(args=[ids]).get()[ids[1]] == "not_due"
    smtp_sink.refuse = set()
    with clock.frozen_at(clock.now() + timedelta(hours=1)):
        assert deliver_batch.apply(args=[ids]).get() == {i: "delivered" for i in ids}
    assert sorted(smtp_sink.outbox_ids()) == ids
    assert _rows(ids)[ids[1]].attempts == 2


def test_a_batch_skips_rows_sent_meanwhile_and_counts_no_attempt_for_them(app, smtp_sink):
    _smtp(app, smtp_sink)
    ids = _notices(3)
    assert outbox.deliver(ids[1]) == "delivered"  # its own task was first
    assert deliver_batch.apply(args=[ids]).get() == {i: "delivered" for i in ids}
    assert sorted(smtp_sink.outbox_ids()) == ids
    assert {r.attempts for r in _rows(ids).values()} == {1}


def test_with_the_server_down_each_email_of_the_batch_waits_for_its_next_attempt(app):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    ids = _notices(3)
    assert deliver_batch.apply(args=[ids]).get() == {i: "pending" for i in ids}
    assert {(r.status, r.attempts, r.next_attempt_at > clock.now()) for r in _rows(ids).values()} == {
        ("pending", 1, True)}

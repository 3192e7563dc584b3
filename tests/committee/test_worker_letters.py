"""Closing a 20-case meeting on real services: PostgreSQL, a private Redis, Celery worker processes, SMTP.

Every applicant gets exactly one letter and one e-mail, also when Redis is down during the close and when
the worker is killed in the middle of the batch.
"""
from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AgendaItem, Case, Decision, Document, Meeting, OutboxMessage
from app.services.committee import decisions
from tests.tasks.conftest import RedisServer, SmtpSink, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

BATCH = 20


def _meeting(world):
    """BATCH cases on one agenda, each decided 'grant as recommended' by a member."""
    world.pool.budget = 10_000_000
    db.session.commit()
    cases = [world.committee_case(amount=30_000 + n, title=f"Aktivitet {n}") for n in range(BATCH)]
    meeting = world.meeting(cases)
    for case in cases:
        world.decide(meeting, case, "grant")
    return meeting


def _rows() -> list[tuple[int, str, str, str]]:
    rows = db.session.execute(sa.select(OutboxMessage.id, OutboxMessage.channel, OutboxMessage.template,
                                        OutboxMessage.status)).all()
    db.session.rollback()
    return [tuple(r) for r in rows]


def _all_done(sink: SmtpSink) -> bool:
    rows = _rows()
    emails = {r[0] for r in rows if r[1] == "email"}
    notices = [r for r in rows if r[2] == "decision_notice"]
    return (len(notices) == BATCH and all(r[3] == "delivered" for r in rows)
            and emails <= set(sink.outbox_ids()))


def _progress(sink: SmtpSink, *processes):
    def describe() -> str:
        statuses = {}
        for _id, channel, template, status in _rows():
            statuses[(template, status)] = statuses.get((template, status), 0) + 1
        return f"received {len(sink.messages)}; rows {statuses}\n" + "\n".join(p.log()[-2500:] for p in processes)
    return describe


def _drained(redis: RedisServer) -> None:
    client = redis.client()
    wait_for(lambda: client.llen("celery") == 0 and client.hlen("unacked") == 0, "the broker queue to drain")


def _assert_exactly_once(sink: SmtpSink, meeting_id: int) -> None:
    received = sink.outbox_ids()
    assert len(received) == len(set(received)), "an e-mail was sent twice"
    notices = [r[0] for r in _rows() if r[2] == "decision_notice"]
    assert sorted(i for i in received if i in set(notices)) == sorted(notices) and len(notices) == BATCH
    made = db.session.scalars(sa.select(Decision).where(Decision.meeting_id == meeting_id)).all()
    assert len(made) == BATCH and all(d.letter_available_at and d.letter_sha256 for d in made)
    letters = db.session.scalars(sa.select(Document).where(Document.kind == "letter", Document.case_id.is_not(None))).all()
    assert len(letters) == BATCH and {d.letter_document_id for d in made} == {doc.id for doc in letters}
    assert {d.letter_sha256 for d in made} == {doc.sha256 for doc in letters}
    assert db.session.get(Meeting, meeting_id).minutes_document_id is not None
    db.session.rollback()


def test_close_sends_every_letter_and_mail_once(world, worker, smtp_sink, private_redis):
    meeting = _meeting(world)
    assert decisions.close_meeting(meeting.id, world.chair)
    wait_for(lambda: _all_done(smtp_sink), "20 letters and 20 e-mails", timeout=120,
             detail=_progress(smtp_sink, worker))
    _drained(private_redis)
    _assert_exactly_once(smtp_sink, meeting.id)


def test_redis_down_during_close_loses_nothing(world, worker, start_celery, smtp_sink, private_redis, caplog):
    meeting = _meeting(world)
    wait_for(lambda: all(r[3] == "delivered" for r in _rows()), "the set-up notices", timeout=120,
             detail=_progress(smtp_sink, worker))
    private_redis.stop()
    with caplog.at_level(logging.WARNING, logger="app"):
        assert decisions.close_meeting(meeting.id, world.chair)
    assert "not dispatched" in caplog.text
    assert db.session.get(Meeting, meeting.id).status == "closed"
    assert {r[3] for r in _rows() if r[1] == "letter"} == {"pending"}
    private_redis.start()
    beat = start_celery("beat")  # the sweep sends what the outage left pending
    wait_for(lambda: _all_done(smtp_sink), "20 letters and 20 e-mails after Redis came back", timeout=120,
             detail=_progress(smtp_sink, worker, beat))
    beat.stop()
    _drained(private_redis)
    _assert_exactly_once(smtp_sink, meeting.id)


def test_killed_worker_loses_and_duplicates_nothing(app, world, worker, start_celery, smtp_sink, private_redis,
                                                     factory):
    meeting = _meeting(world)
    # Two caseworkers share the agenda: the close tells each of them in one e-mail, written before the letters
    # and so sent first. Holding those two keeps both pool processes mid-send while every letter is queued.
    on_agenda = db.session.scalars(sa.select(AgendaItem.case_id).where(AgendaItem.meeting_id == meeting.id)
                                   .order_by(AgendaItem.case_id)).all()
    other = factory.user(role="caseworker", email="ole@kommune.dk")
    db.session.execute(sa.update(Case).where(Case.id.in_(on_agenda[::2])).values(assignee_id=other.id))
    db.session.commit()
    app.config["OUTBOX_BATCH"] = 2  # small batches of letters behind the two e-mails
    wait_for(lambda: all(r[3] == "delivered" for r in _rows()) and len(smtp_sink.messages) >= len(
        [r for r in _rows() if r[1] == "email"]), "the set-up notices", timeout=120, detail=_progress(smtp_sink, worker))
    smtp_sink.hold_after = len(smtp_sink.messages)  # hold the next e-mails: the caseworkers'
    assert decisions.close_meeting(meeting.id, world.chair)
    wait_for(lambda: smtp_sink.held == 2, "both pool processes to be mid-send", timeout=120,
             detail=_progress(smtp_sink, worker))
    letters_before_kill = sum(1 for r in _rows() if r[2] == "decision_letter" and r[3] == "delivered")
    worker.kill()
    wait_for(lambda: smtp_sink.held == 0, "the killed worker's SMTP sessions to close", timeout=10)
    smtp_sink.release()
    assert letters_before_kill < BATCH
    restarted = start_celery("worker")
    wait_for(lambda: _all_done(smtp_sink), "20 letters and 20 e-mails after the worker restarted", timeout=120,
             detail=_progress(smtp_sink, worker, restarted))
    _drained(private_redis)
    _assert_exactly_once(smtp_sink, meeting.id)

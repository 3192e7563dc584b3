"""A sent decision is never edited (ORM and database), and every task changes nothing the second time."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Case, Decision, Document, Meeting, OutboxMessage
from app.models.decision import DecisionIsFinal
from app.services.committee import decisions, reminders
from app.services.delivery import outbox
from app.services import unit_of_work
from app.tasks.notices import deliver_notice
from app.tasks.reminders import remind_replies, remind_reports, send_agendas


def _sent_decision(world) -> Decision:
    case = world.committee_case()
    meeting = world.meeting([case])
    world.decide(meeting, case, "grant")
    decisions.close_meeting(meeting.id, world.chair)
    db.session.expire_all()
    return db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id))


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_orm_refuses_to_edit_a_sent_decision(world):
    decision = _sent_decision(world)
    decision.reason = "Ny begrundelse"
    with pytest.raises(DecisionIsFinal):
        db.session.flush()
    db.session.rollback()
    decision.letter_sha256 = "0" * 64
    with pytest.raises(DecisionIsFinal):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("column, value", [("reason", "'Ny'"), ("amount", "1"), ("letter_sha256", "'x'"),
                                           ("letter_available_at", "NULL")])
def test_database_refuses_to_edit_a_sent_decision(world, column, value):
    decision = _sent_decision(world)
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.text(f"UPDATE decisions SET {column} = {value} WHERE id = :id"), {"id": decision.id})
    db.session.rollback()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.text("DELETE FROM decisions WHERE id = :id"), {"id": decision.id})
    db.session.rollback()


def test_database_allows_the_letter_columns_to_be_set_once(world, monkeypatch):
    monkeypatch.setattr(outbox, "dispatch", lambda ids: None)  # keep the letter unwritten
    case = world.committee_case()
    meeting = world.meeting([case])
    world.decide(meeting, case, "grant")
    decisions.close_meeting(meeting.id, world.chair)
    decision = db.session.scalar(sa.select(Decision))
    db.session.execute(sa.text("UPDATE decisions SET reason = 'Rettet før afsendelse' WHERE id = :id"),
                       {"id": decision.id})
    db.session.execute(sa.text("UPDATE decisions SET letter_sha256 = 'abc', letter_available_at = created "
                               "FROM (SELECT CURRENT_TIMESTAMP AS created) t WHERE id = :id")
                       if db.engine.dialect.name == "postgresql" else
                       sa.text("UPDATE decisions SET letter_sha256 = 'abc', letter_available_at = CURRENT_TIMESTAMP "
                               "WHERE id = :id"), {"id": decision.id})
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.text("UPDATE decisions SET letter_sha256 = 'def' WHERE id = :id"), {"id": decision.id})
    db.session.rollback()


def test_letter_and_minutes_tasks_twice_change_nothing(world, monkeypatch):
    monkeypatch.setattr(outbox, "dispatch", lambda ids: None)  # run the tasks by hand below
    case = world.committee_case()
    meeting = world.meeting([case])
    world.decide(meeting, case, "grant")
    decisions.close_meeting(meeting.id, world.chair)
    letter_rows = db.session.scalars(sa.select(OutboxMessage.id).where(OutboxMessage.channel == "letter")).all()
    assert len(letter_rows) == 2  # the decision letter and the minutes
    for message_id in letter_rows:
        assert deliver_notice.apply(args=[message_id]).get() == "delivered"
    db.session.expire_all()
    decision = db.session.scalar(sa.select(Decision))
    snapshot = (decision.letter_document_id, decision.letter_sha256, decision.letter_available_at,
                db.session.get(Meeting, meeting.id).minutes_document_id, _count(Document), _count(OutboxMessage))
    for message_id in letter_rows:
        assert deliver_notice.apply(args=[message_id]).get() == "delivered"
    # The same work again (a redelivered message whose row was reset) finds the letter and writes nothing.
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id.in_(letter_rows)).values(status="pending"))
    db.session.commit()
    for message_id in letter_rows:
        assert deliver_notice.apply(args=[message_id]).get() == "delivered"
    db.session.expire_all()
    decision = db.session.get(Decision, decision.id)
    assert (decision.letter_document_id, decision.letter_sha256, decision.letter_available_at,
            db.session.get(Meeting, meeting.id).minutes_document_id, _count(Document), _count(OutboxMessage)) == snapshot
    assert _count(OutboxMessage, OutboxMessage.template == "decision_notice") == 1


def test_a_failing_letter_leaves_nothing_half_done(world, monkeypatch, app):
    from app.services.committee import letters
    monkeypatch.setattr(outbox, "dispatch", lambda ids: None)
    case = world.committee_case()
    meeting = world.meeting([case])
    world.decide(meeting, case, "grant")
    decisions.close_meeting(meeting.id, world.chair)
    [message_id] = db.session.scalars(sa.select(OutboxMessage.id).where(OutboxMessage.template == "decision_letter"))

    def broken(msg):
        letters.store_pdf(b"%PDF-1.4 half", "x.pdf", "x", case_id=case.id)
        raise RuntimeError("renderer crashed")
    monkeypatch.setitem(letters.RENDERERS, "decision_letter", broken)
    assert deliver_notice.apply(args=[message_id]).failed()
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message_id)
    assert (row.status, row.attempts) == ("pending", 1) and row.last_error.startswith("RuntimeError")
    assert _count(Document, Document.case_id == case.id) == 0


def test_agenda_is_sent_once_within_the_notice_days(world, monkeypatch):
    monkeypatch.setattr(outbox, "dispatch", lambda ids: None)
    soon = world.meeting([world.committee_case()], day=clock.today() + timedelta(days=3))
    world.meeting(day=clock.today() + timedelta(days=30))
    assert send_agendas.apply().get() == 2  # the chair and the member
    assert send_agendas.apply().get() == 0
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "meeting_agenda")).all()
    assert sorted(r.recipient for r in rows) == ["ahmed@kommune.dk", "lise@kommune.dk"]
    assert rows[0].payload["count"] == 1 and rows[0].payload["link"].endswith(f"/udvalg/moeder/{soon.id}")
    assert db.session.get(Meeting, soon.id).agenda_sent_at is not None


def test_reply_and_report_reminders_once_per_deadline(world, monkeypatch, app):
    monkeypatch.setattr(outbox, "dispatch", lambda ids: None)
    asked = world.committee_case()
    db.session.execute(sa.update(Case).where(Case.id == asked.id).values(
        state="needs_information", reply_deadline=clock.today() + timedelta(days=2)))
    paid = world.committee_case()
    db.session.execute(sa.update(Case).where(Case.id == paid.id).values(
        state="report_due", report_due_on=clock.today() + timedelta(days=10)))
    later = world.committee_case()
    db.session.execute(sa.update(Case).where(Case.id == later.id).values(
        state="needs_information", reply_deadline=clock.today() + timedelta(days=20)))
    db.session.commit()
    assert (remind_replies.apply().get(), remind_reports.apply().get()) == (1, 1)
    assert (remind_replies.apply().get(), remind_reports.apply().get()) == (0, 0)
    keys = sorted(db.session.scalars(sa.select(OutboxMessage.dedup_key).where(OutboxMessage.template.like("%reminder"))))
    assert keys == [f"reply_reminder:{asked.id}:{(clock.today() + timedelta(days=2)).isoformat()}",
                    f"report_reminder:{paid.id}:{(clock.today() + timedelta(days=10)).isoformat()}"]
    # A new deadline is a new reminder.
    db.session.execute(sa.update(Case).where(Case.id == asked.id).values(reply_deadline=clock.today() + timedelta(days=1)))
    db.session.commit()
    assert remind_replies.apply().get() == 1


def test_reminder_mails_render_in_danish_and_english(world, app):
    world.applicant.locale = "en"
    world.association.contact_email = world.applicant.email
    asked = world.committee_case()
    db.session.execute(sa.update(Case).where(Case.id == asked.id).values(
        state="needs_information", reply_deadline=clock.today() + timedelta(days=1)))
    db.session.commit()
    reminders.remind_replies()
    row = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "reply_reminder"))
    assert row.locale == "en" and row.status == "delivered"
    from app.services.delivery.mail import read_log
    mail = read_log(app.config["MAIL_LOG_PATH"])[-1]
    assert asked.number in mail["Subject"]


def test_retry_puts_a_failed_message_back(world, monkeypatch):
    sent = []
    monkeypatch.setattr(outbox, "dispatch", sent.extend)
    with unit_of_work.transaction():
        msg = outbox.enqueue("confirm_email", "a@example.dk", {"name": "A", "link": "https://x.example/b"})
        msg.status, msg.attempts = "failed", 8
    sent.clear()
    assert outbox.retry(msg.id) is not None and sent == [msg.id]
    db.session.expire_all()
    assert (db.session.get(OutboxMessage, msg.id).status, db.session.get(OutboxMessage, msg.id).attempts) == ("pending", 0)
    assert outbox.retry(msg.id) is None  # only failed ones

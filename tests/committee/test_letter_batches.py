"""Letters delivered in batches: each letter and each e-mail notice exactly once, also when a batch is retried
after one of its letters failed, and the others never wait for the failing one."""
from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Decision, Document, OutboxMessage
from app.services.committee import decisions, letters
from app.services.delivery import mail, outbox
from app.tasks.notices import deliver_batch


def _closed_meeting(world, monkeypatch, cases: int) -> list[int]:
    """A closed meeting of `cases` granted cases whose letters nobody has delivered yet; their outbox ids."""
    made = [world.committee_case(amount=30_000 + n, title=f"Aktivitet {n}") for n in range(cases)]
    meeting = world.meeting(made)
    for case in made:
        world.decide(meeting, case, "grant")
    with monkeypatch.context() as held:
        held.setattr(outbox, "dispatch", lambda ids: None)  # the batches below are run by hand
        assert decisions.close_meeting(meeting.id, world.chair)
    return list(db.session.scalars(sa.select(OutboxMessage.id).where(OutboxMessage.template == "decision_letter")
                                   .order_by(OutboxMessage.id)))


def _sent_notice_ids() -> list[int]:
    """The decision notices in the mail log, once per e-mail sent (a duplicate shows twice)."""
    notices = set(db.session.scalars(sa.select(OutboxMessage.id).where(OutboxMessage.template == "decision_notice")))
    return [int(m["X-Outbox-Id"]) for m in mail.read_log(current_app.config["MAIL_LOG_PATH"])
            if m["X-Outbox-Id"] is not None and int(m["X-Outbox-Id"]) in notices]


def _snapshot() -> tuple:
    db.session.expire_all()
    rows = db.session.execute(sa.select(Decision.id, Decision.letter_document_id, Decision.letter_sha256)
                              .order_by(Decision.id)).all()
    documents = db.session.scalar(sa.select(sa.func.count()).select_from(Document).where(Document.case_id.is_not(None)))
    notices = db.session.scalars(sa.select(OutboxMessage.id).where(OutboxMessage.template == "decision_notice")
                                 .order_by(OutboxMessage.id)).all()
    return [tuple(r) for r in rows], documents, notices


def _fail_twice_for(monkeypatch, decision_id: int) -> list[int]:
    """The renderer fails the first two times it meets `decision_id` (in the batch, then on its own); returns the
    decision ids it was asked for."""
    real, asked, crashes = letters.RENDERERS["decision_letter"], [], []

    def flaky(msg: OutboxMessage) -> None:
        asked.append(msg.payload["decision_id"])
        if msg.payload["decision_id"] == decision_id and len(crashes) < 2:
            crashes.append(decision_id)
            raise RuntimeError("renderer crashed")
        real(msg)
    monkeypatch.setitem(letters.RENDERERS, "decision_letter", flaky)
    return asked


def test_a_batch_delivers_every_letter_and_notice_in_one_go_and_a_second_run_changes_nothing(world, monkeypatch):
    ids = _closed_meeting(world, monkeypatch, 4)
    statuses = deliver_batch.apply(args=[ids]).get()
    assert statuses == {i: "delivered" for i in ids}
    before = _snapshot()
    rows, documents, notices = before
    assert all(document_id and sha for _id, document_id, sha in rows) and documents == 4 and len(notices) == 4
    assert sorted(_sent_notice_ids()) == notices
    assert deliver_batch.apply(args=[ids]).get() == {i: "delivered" for i in ids}  # redelivered: nothing to do
    assert _snapshot() == before and sorted(_sent_notice_ids()) == notices


def test_a_retry_after_one_letter_failed_delivers_each_letter_and_notice_exactly_once(world, monkeypatch):
    ids = _closed_meeting(world, monkeypatch, 4)
    decision_ids = [db.session.get(OutboxMessage, i).payload["decision_id"] for i in ids]
    asked = _fail_twice_for(monkeypatch, decision_ids[2])
    statuses = deliver_batch.apply(args=[ids]).get()
    # The batch was rolled back at the third letter; one by one, the other three went out and the third waits.
    assert statuses == {ids[0]: "delivered", ids[1]: "delivered", ids[2]: "pending", ids[3]: "delivered"}
    db.session.expire_all()
    failed = db.session.get(OutboxMessage, ids[2])
    assert (failed.status, failed.attempts) == ("pending", 1) and failed.last_error.startswith("RuntimeError")
    assert db.session.get(Decision, decision_ids[2]).letter_document_id is None
    rows, documents, notices = _snapshot()
    assert documents == 3 and len(notices) == 3 and sorted(_sent_notice_ids()) == notices

    failed.next_attempt_at = None  # its retry is due now (as the sweep would find it later)
    db.session.commit()
    asked.clear()
    assert deliver_batch.apply(args=[ids]).get() == {i: "delivered" for i in ids}
    assert asked == [decision_ids[2]]  # the retried batch skipped the three letters already out
    rows, documents, notices = _snapshot()
    assert all(document_id for _id, document_id, _sha in rows) and documents == 4 and len(notices) == 4
    sent = _sent_notice_ids()
    assert sorted(sent) == notices and len(sent) == len(set(sent)), "every notice exactly once"


def test_notices_handed_off_in_vain_are_sent_once_by_the_sweep(world, monkeypatch):
    ids = _closed_meeting(world, monkeypatch, 3)
    lost: list[list[int]] = []
    with monkeypatch.context() as down:
        down.setattr(outbox, "batch_task", SimpleNamespace(delay=lambda batch: lost.append(batch)))
        assert deliver_batch.apply(args=[ids]).get() == {i: "delivered" for i in ids}
    _rows, _documents, notices = _snapshot()
    assert lost == [notices] and _sent_notice_ids() == []  # the letters are out; their e-mails' task was lost
    assert deliver_batch.apply(args=[ids]).get() == {i: "delivered" for i in ids}
    assert _sent_notice_ids() == []  # a redelivered letter batch leaves the notices to the sweep
    outbox.dispatch(outbox.due_ids(handoff_seconds=-1))
    sent = _sent_notice_ids()
    assert sorted(sent) == notices and len(sent) == len(set(sent))


def test_the_close_dispatches_letters_and_its_many_emails_in_batches_in_the_order_written(world, monkeypatch, app,
                                                                                           factory):
    app.config["OUTBOX_BATCH"] = 2
    batches: list[list[int]] = []
    singles: list[int] = []
    monkeypatch.setattr(outbox, "batch_task", SimpleNamespace(delay=batches.append))
    monkeypatch.setattr(outbox, "delivery_task", SimpleNamespace(delay=singles.append))
    made = [world.committee_case(amount=30_000 + n, title=f"Aktivitet {n}") for n in range(5)]
    for n, case in enumerate(made):  # five caseworkers: five e-mails, one each
        case.assignee_id = factory.user(role="caseworker", email=f"sb{n}@kommune.dk").id
    db.session.commit()
    meeting = world.meeting(made)
    for case in made:
        world.decide(meeting, case, "grant")
    singles.clear()
    assert decisions.close_meeting(meeting.id, world.chair)
    letter_ids = list(db.session.scalars(sa.select(OutboxMessage.id).where(OutboxMessage.channel == "letter")
                                         .order_by(OutboxMessage.id)))
    assert len(letter_ids) == 6  # five letters and the minutes
    assert [b for b in batches if set(b) <= set(letter_ids)] == [letter_ids[0:2], letter_ids[2:4], letter_ids[4:6]]
    assert not set(singles) & set(letter_ids)
    # The caseworker's five e-mails are more than a batch: they go two to a task as well, none on its own.
    emails = [i for b in batches if not set(b) & set(letter_ids) for i in b]
    assert len(emails) == 5 and singles == [] and max(len(b) for b in batches) == 2
    assert [b[0] for b in batches] == sorted(b[0] for b in batches)  # in the order written


def test_every_rendered_letter_is_counted_for_prometheus_and_task_durations_too(world, monkeypatch):
    from app.services.operations.metrics import LETTERS_RENDERED, TASK_DURATION

    def sample(metric, name: str, **labels: str) -> float:
        return next((s.value for family in metric.collect() for s in family.samples
                     if s.name == name and s.labels == labels), 0.0)

    def rendered() -> float:
        return sample(LETTERS_RENDERED, "foreningsstotte_letters_rendered_total", template="decision_letter")

    def batches_timed() -> float:
        return sample(TASK_DURATION, "foreningsstotte_task_duration_seconds_count",
                      task="app.tasks.notices.deliver_batch", state="SUCCESS")

    ids = _closed_meeting(world, monkeypatch, 3)
    before, timed_before = rendered(), batches_timed()
    assert deliver_batch.apply(args=[ids]).get() == {i: "delivered" for i in ids}
    assert rendered() == before + 3
    assert batches_timed() > timed_before
    assert deliver_batch.apply(args=[ids]).get() == {i: "delivered" for i in ids}  # nothing rendered again
    assert rendered() == before + 3

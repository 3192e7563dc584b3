"""Write notices in the same commit as the change; deliver them idempotently through a channel adapter.

A row's `channel` picks its delivery adapter, an object bound by app/wiring.py: "email" sends an e-mail
(app.services.delivery.mail), "letter" renders a PDF letter, stores it, makes it available in the portal
and writes the e-mail that tells the applicant (app.services.committee.letters). An adapter has
`deliver(msg, on_accepted) -> None` and calls `on_accepted()` once the message is out; that marks the
row delivered and commits, together with whatever the adapter changed. Delivering one message is one
unit of work of its own, on purpose (see `deliver`), with one exception: letters, which only write to the
database, are delivered many to a transaction (`deliver_batch`); an e-mail never shares its commit (a batch of
e-mails shares only its SMTP session).

Digital Post (decisions in production) would be one more adapter bound in the wiring, e.g. "digital_post",
that hands the stored letter to the provider and calls `on_accepted()` when the provider has accepted it.
Committed rows are handed by `dispatch` to the task bound for one message, or for a batch (a meeting's close).

Retrying is the row's business, not Celery's: a failed attempt stores when the next one is due (1, 2,
4, ... minutes, capped at OUTBOX_RETRY_MAX_SECONDS, with jitter), and the beat sweep hands out what
is due. Attempts go on until OUTBOX_RETRY_HOURS have passed; only then is the row failed, and the
administrators hear of it (app/services/delivery/failures.py). "Send igen" on the notices page starts a new window.

A row that must wait for another (a channel's adapter says so by `waiting_for(msg)`: a webhook while an earlier
delivery of its case is unfinished) is not tried and not failed: it is "held", with no attempt counted and no
backoff, until the other row's delivery releases it (`release`). The sweep releases what its channel no longer
holds (`release_unheld`), so a release lost in a crash costs a sweep interval, never the row.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from flask import current_app

from app import clock
from app.extensions import db
from app.models.outbox import OutboxMessage
from app.services.unit_of_work import delivered_by_caller, in_unit_of_work, use_case


class Adapter(Protocol):
    """Delivers one message on a channel and calls `on_accepted()` when it is out."""

    def deliver(self, msg: OutboxMessage, on_accepted: Callable[[], None]) -> None: ...


class DeliveryTask(Protocol):
    """The task that delivers one message by id (app.tasks.notices.deliver_notice)."""

    def delay(self, message_id: int) -> object: ...


class BatchTask(Protocol):
    """The task that delivers a list of ids, letters together (app.tasks.notices.deliver_batch)."""

    def delay(self, message_ids: list[int]) -> object: ...


class UnknownChannel(LookupError):
    """An outbox row names a channel without an adapter."""


ADAPTERS: dict[str, Adapter] = {}
delivery_task: DeliveryTask | None = None
batch_task: BatchTask | None = None
# The channel whose messages may share one transaction: a letter is rendered, stored and published, all in
# the database, so a batch rolled back has sent nothing. An e-mail is out the moment SMTP accepts it.
BATCHED_CHANNEL = "letter"


def bind(adapters: dict[str, Adapter], task: DeliveryTask, batch: BatchTask | None = None) -> None:
    """Bind the channels' adapters and the delivery tasks (app/wiring.py, once per app)."""
    global delivery_task, batch_task
    ADAPTERS.clear()
    ADAPTERS.update(adapters)
    delivery_task, batch_task = task, batch


def adapter_for(channel: str) -> Adapter:
    """The delivery adapter of `channel`."""
    try:
        return ADAPTERS[channel]
    except KeyError:
        raise UnknownChannel(channel) from None


def enqueue(template: str, recipient: str, payload: dict, *, locale: str | None = None,
            dedup_key: str | None = None, channel: str = "email") -> OutboxMessage:
    """Add a notice to the current unit of work (committed by the caller)."""
    msg = OutboxMessage(channel=channel, template=template, recipient=recipient, payload=payload,
                        locale=locale or current_app.config["BABEL_DEFAULT_LOCALE"], dedup_key=dedup_key)
    db.session.add(msg)
    return msg


def _of_this_app(task):
    """`task` as registered on the current Flask app's Celery app.

    A shared task's `delay` goes to Celery's default app, which is the app created last in the process. In
    production there is one; where several live in one process (the browser tests' demo servers beside the
    tests' own apps) a message must be delivered by the app whose database holds it.
    """
    celery = current_app.extensions.get("celery")
    name = getattr(task, "name", None)
    return celery.tasks[name] if celery is not None and name in celery.tasks else task


def dispatch(ids: list[int]) -> None:
    """Hand committed outbox ids to Celery, letters (and crowds of others) in batches; a broker outage is left to
    the sweep."""
    batches, singles = _letter_batches(ids)
    calls = sorted([(_of_this_app(batch_task), batch) for batch in batches]
                   + [(_of_this_app(delivery_task), message_id) for message_id in singles],
                   key=lambda call: call[1][0] if isinstance(call[1], list) else call[1])  # in the order written
    for position, (task, argument) in enumerate(calls):
        try:
            task.delay(argument)
        except Exception as exc:  # broker down: the rows stay pending and the sweep re-sends them
            # The rest would fail the same way; stop so the request is not held once per message.
            current_app.logger.warning("outbox %s not dispatched: %s", [a for _t, a in calls[position:]], exc)
            return


def backlog(statuses: tuple[str, ...]) -> list[tuple[str, str, int, datetime | None]]:
    """(channel, status, rows, oldest created_at) for rows in `statuses`: one grouped query on the status index."""
    query = (db.select(OutboxMessage.channel, OutboxMessage.status, db.func.count(),
                       db.func.min(OutboxMessage.created_at))
             .where(OutboxMessage.status.in_(statuses))
             .group_by(OutboxMessage.channel, OutboxMessage.status))
    return [(channel, status, count, oldest) for channel, status, count, oldest in db.session.execute(query)]


def _letter_batches(ids: list[int]) -> tuple[list[list[int]], list[int]]:
    """(batches, single ids): one task per batch rather than per message.

    Letters go in batches of at most OUTBOX_BATCH, at least four of them so a small meeting keeps several
    workers busy. Other messages go one task each when they are a handful (spread over the workers at once),
    in batches of OUTBOX_BATCH when there are more (a meeting's close tells the caseworker of every case):
    a batch still sends and commits each of them on its own.
    """
    if batch_task is None or len(ids) < 2:
        return [], list(ids)
    letter_ids = set(db.session.scalars(db.select(OutboxMessage.id).where(
        OutboxMessage.id.in_(ids), OutboxMessage.channel == BATCHED_CHANNEL)))
    letters, others = [i for i in ids if i in letter_ids], [i for i in ids if i not in letter_ids]
    limit = current_app.config["OUTBOX_BATCH"]
    size = max(1, min(limit, -(-len(letters) // 4)))
    batches = [letters[n:n + size] for n in range(0, len(letters), size)]
    if len(others) <= limit:
        return batches, others
    return batches + [others[n:n + limit] for n in range(0, len(others), limit)], []


def deliver(message_id: int) -> str:
    """Deliver one message if it is pending and due; returns the resulting status ("not_due": left alone).

    One message is one unit of work, on purpose, and never part of a bigger one (each task delivers one
    id, so one bad message does not hold up the others): the row is claimed with a lock, the adapter
    sends it, and `on_accepted` commits the claim, the adapter's changes and the mark together the
    moment the channel has accepted it (for SMTP before QUIT: the gap in which a crash sends it twice).
    That commit cannot wait for a use case to return, so this function is not one and rolls back itself:
    what failed before acceptance is undone, and the error and the next attempt are recorded on the row.
    The lock is held until then, so a re-send racing this attempt waits and finds the row not due.
    """
    if in_unit_of_work():
        raise RuntimeError("outbox.deliver is a unit of work of its own; call it from a task, not a use case")
    msg = db.session.get(OutboxMessage, message_id, with_for_update=True, populate_existing=True)
    readiness = _readiness(msg)
    if readiness != "due":
        db.session.rollback()  # nothing changed: let go of the claim
        return readiness
    reason = _waiting_for(msg)
    if reason is not None:
        _hold(msg, reason)  # no attempt made: none counted, no backoff, nothing in the channel's log
        return "held"
    savepoint = db.session.get_bind().dialect.name == "postgresql"
    msg.attempts += 1
    try:
        _send(msg, savepoint)
    except Exception as exc:
        status = _record_failure(message_id, exc, counted=savepoint)
        if status == "pending":
            raise  # the task logs it; the sweep tries again when the row says so
        return status
    return "delivered"


def deliver_batch(message_ids: list[int]) -> dict[int, str]:
    """Deliver many letters in one unit of work, then hand their e-mail notices to one task; the status of each id.

    A retried batch skips what is delivered already (and rows another task holds). If any letter fails,
    the batch is rolled back, nothing of it is kept, and each is delivered on its own (`deliver`), so the
    failure is recorded on its row and the others go out. E-mails share one connection (`_deliver_emails`);
    ids on other channels are delivered one by one.
    """
    if in_unit_of_work():
        raise RuntimeError("outbox.deliver_batch is a unit of work of its own; call it from a task")
    channels = dict(db.session.execute(db.select(OutboxMessage.id, OutboxMessage.channel)
                                       .where(OutboxMessage.id.in_(message_ids))).all())
    db.session.rollback()
    letters = sorted(i for i in message_ids if channels.get(i) == BATCHED_CHANNEL)
    statuses, notices = _letters(letters) if letters else ({}, [])
    emails = [i for i in message_ids if channels.get(i) == "email"]
    statuses.update(_deliver_emails(emails))
    statuses.update(_one_by_one([i for i in message_ids if i not in statuses]))
    if notices:  # the letters' e-mails: one task for all, each e-mail committed the moment it is out
        dispatch_together(notices)
    return statuses


def _letters(letters: list[int]) -> tuple[dict[int, str], list[int]]:
    """(statuses, the e-mail notices they wrote): together in one commit, or one by one after a failure."""
    try:
        with delivered_by_caller() as notices:
            statuses = _deliver_together(letters)
        return statuses, notices
    except Exception as exc:
        current_app.logger.warning("letters %s not delivered together, one by one now: %s", letters, exc)
        return _one_by_one(letters), []


def dispatch_together(ids: list[int]) -> None:
    """Hand committed ids to one batch task (not one task each); a broker outage is left to the sweep."""
    try:
        _of_this_app(batch_task).delay(ids)
    except Exception as exc:
        current_app.logger.warning("outbox %s not dispatched: %s", ids, exc)


def _deliver_emails(message_ids: list[int]) -> dict[int, str]:
    """E-mails over one connection of the e-mail adapter (`batch()`), each claimed and committed on its own."""
    opener = getattr(ADAPTERS.get("email"), "batch", None)
    if opener is None or not message_ids:
        return _one_by_one(message_ids)
    statuses = {}
    with opener() as connection:
        for message_id in message_ids:
            try:
                statuses[message_id] = _deliver_on(connection, message_id)
            except Exception as exc:  # recorded on the row with its next attempt; the others go on
                current_app.logger.warning("outbox %s not delivered, tried again later: %s", message_id, exc)
                statuses[message_id] = "pending"
    return statuses


def _deliver_on(connection: Adapter, message_id: int) -> str:
    """`deliver` for a channel whose adapter writes nothing to the database (e-mail): the claim is one statement.

    The UPDATE that counts the attempt takes the row lock and checks the row is pending and due in one round
    trip (a racing claim waits for it, then finds the row changed); no savepoint, as a failure has nothing of
    the adapter's to undo. As in `deliver`, the mark commits the moment the channel has accepted the message.
    """
    now = clock.now()
    msg = db.session.scalar(
        db.update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == "pending",
                                       db.or_(OutboxMessage.next_attempt_at.is_(None),
                                              OutboxMessage.next_attempt_at <= now))
        .values(attempts=OutboxMessage.attempts + 1).returning(OutboxMessage)
        .execution_options(populate_existing=True))
    if msg is None:
        status = _readiness(db.session.get(OutboxMessage, message_id, populate_existing=True))
        db.session.rollback()
        return status
    try:
        connection.deliver(msg, _marker(msg))
    except Exception as exc:
        status = _record_failure(message_id, exc, counted=True)
        if status == "pending":
            raise
        return status
    return "delivered"


def _one_by_one(message_ids: list[int]) -> dict[int, str]:
    statuses = {}
    for message_id in message_ids:
        try:
            statuses[message_id] = deliver(message_id)
        except Exception as exc:  # recorded on the row with its next attempt; the others go on
            current_app.logger.warning("outbox %s not delivered, tried again later: %s", message_id, exc)
            statuses[message_id] = "pending"
    return statuses


@use_case
def _deliver_together(message_ids: list[int]) -> dict[int, str]:
    """Claim the due rows (skipping those another task holds), deliver each, mark them: one commit."""
    rows = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.id.in_(message_ids))
                              .order_by(OutboxMessage.id).with_for_update(skip_locked=True)
                              .execution_options(populate_existing=True)).all()
    statuses = {message_id: "busy" for message_id in message_ids}  # held by another task: it delivers them
    due = [msg for msg in rows if _readiness(msg) == "due"]
    statuses.update({msg.id: _readiness(msg) for msg in rows})
    adapter = adapter_for(BATCHED_CHANNEL)
    prepare, finish = getattr(adapter, "prepare", None), getattr(adapter, "finish", None)
    complete = getattr(adapter, "complete", None)
    try:
        if prepare is not None and due:
            prepare(due)  # what the batch's messages share, read once
        for msg in due:
            msg.attempts += 1
            adapter.deliver(msg, _marker(msg))  # inside this use case the mark only flushes
            statuses[msg.id] = "delivered"
        if complete is not None and due:
            complete()  # what the batch's messages finish together (the letters' one flush)
    finally:
        if finish is not None:
            finish()
    return statuses


def _send(msg: OutboxMessage, savepoint: bool) -> None:
    """Hand `msg` to its adapter; a failure undoes the adapter's work, and without a savepoint the claim too.

    On PostgreSQL the adapter works inside a savepoint, so its failure keeps the claim and the row
    lock for `_record_failure`. SQLite has no row locks to keep (and pysqlite's savepoints are
    unreliable): everything is rolled back, and the attempt is counted when it is recorded.
    """
    nested = db.session.begin_nested() if savepoint else None
    try:
        adapter_for(msg.channel).deliver(msg, _marker(msg))
    except Exception:
        if nested is None:
            db.session.rollback()
        elif nested.is_active:  # once accepted, on_accepted's commit has ended the savepoint too
            nested.rollback()
        raise


def _waiting_for(msg: OutboxMessage) -> str | None:
    """What the row must wait for before it is tried, by its channel's rule (webhooks: an earlier one of the case)."""
    waiting_for = getattr(ADAPTERS.get(msg.channel), "waiting_for", None)
    return waiting_for(msg) if waiting_for is not None else None


@use_case
def _hold(msg: OutboxMessage, reason: str) -> None:
    """Outermost, like `_mark_delivered`: the row waits, not due and not swept, until `release` makes it pending.

    Committed under the row lock `deliver` took, so a predecessor releasing it meanwhile waits for this commit
    and then finds it held.
    """
    msg.status, msg.next_attempt_at = "held", None
    current_app.logger.info("outbox %s held: %s", msg.id, reason)


def release(message_ids: list[int]) -> None:
    """Make rows due now (in the caller's unit of work; the caller dispatches them after the commit).

    A held row gets a fresh retry window: it has not been tried, and however long it waited, the receiver gets
    the full OUTBOX_RETRY_HOURS for it. A pending row is only made due now.
    """
    if not message_ids:
        return
    now = clock.now()
    window = now + timedelta(hours=current_app.config["OUTBOX_RETRY_HOURS"])
    db.session.execute(db.update(OutboxMessage).where(OutboxMessage.id.in_(message_ids),
                                                      OutboxMessage.status == "held")
                       .values(status="pending", next_attempt_at=now, retry_until=window)
                       .execution_options(synchronize_session=False))
    db.session.execute(db.update(OutboxMessage).where(OutboxMessage.id.in_(message_ids),
                                                      OutboxMessage.status == "pending")
                       .values(next_attempt_at=now).execution_options(synchronize_session=False))


def release_unheld() -> list[int]:
    """Release held rows their channel no longer holds (a release lost to a crash): for the beat sweep, which
    dispatches them; the ids."""
    ids = _release_unheld()
    dispatch(ids)
    return ids


@use_case
def _release_unheld() -> list[int]:
    ids: list[int] = []
    for adapter in ADAPTERS.values():
        unheld = getattr(adapter, "unheld_ids", None)
        if unheld is not None:
            ids.extend(unheld())
    release(ids)
    return sorted(ids)


def _readiness(msg: OutboxMessage | None) -> str:
    if msg is None:
        return "missing"
    if msg.status != "pending":
        return msg.status
    return "due" if is_due(msg, clock.now()) else "not_due"


def _marker(msg: OutboxMessage) -> Callable[[], None]:
    def mark_delivered() -> None:
        _mark_delivered(msg)
    return mark_delivered


@use_case
def _mark_delivered(msg: OutboxMessage) -> None:
    """Outermost (deliver runs in no use case): commits with the adapter's changes; new rows are dispatched after."""
    msg.status, msg.delivered_at, msg.last_error = "delivered", clock.now(), None


@use_case
def _record_failure(message_id: int, exc: Exception, counted: bool) -> str:
    """Keep the error on the row and when to try next; after the retry window the row is failed."""
    msg = db.session.get(OutboxMessage, message_id, with_for_update=True, populate_existing=True)
    if msg is None or msg.status != "pending":
        return "missing" if msg is None else msg.status
    if not counted:
        msg.attempts += 1
    now, until = clock.now(), retry_until(msg)
    msg.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    keep_attempt = getattr(ADAPTERS.get(msg.channel), "record_failure", None)
    if keep_attempt is not None:  # a channel with its own delivery log (webhooks) keeps the attempt there too
        keep_attempt(msg, exc)
    if now >= until:
        msg.status, msg.failed_at, msg.next_attempt_at = "failed", now, None
        current_app.logger.error("outbox %s failed after %s attempts: %s", msg.id, msg.attempts, exc)
    else:
        config = current_app.config
        delay = retry_delay(msg.attempts, config["OUTBOX_RETRY_FIRST_SECONDS"], config["OUTBOX_RETRY_MAX_SECONDS"])
        msg.next_attempt_at = min(until, now + delay)  # the last attempt falls on the window's end
    return msg.status


JITTER = 0.2


def retry_delay(attempts: int, first_seconds: float, max_seconds: float,
                rand: Callable[[], float] = random.random) -> timedelta:
    """Wait after the `attempts`-th failure: first·2^(attempts-1), at most max, up to a fifth less at random.

    The jitter spreads the retries of notices that failed together in one outage.
    """
    seconds = min(max_seconds, first_seconds * 2 ** min(max(attempts, 1) - 1, 32))
    return timedelta(seconds=seconds * (1 - JITTER * rand()))


def retry_until(msg: OutboxMessage) -> datetime:
    """When attempts stop: the row's own window (after "Send igen"), else OUTBOX_RETRY_HOURS after creation."""
    return msg.retry_until or msg.created_at + timedelta(hours=current_app.config["OUTBOX_RETRY_HOURS"])


def is_due(msg: OutboxMessage, now: datetime) -> bool:
    """Whether an attempt may be made now (a row without a next attempt is due)."""
    return msg.next_attempt_at is None or msg.next_attempt_at <= now


def retry(message_id: int) -> OutboxMessage | None:
    """Put a failed message back to pending with a new retry window (committed), then dispatch it."""
    msg = reopen(message_id)
    if msg is not None:
        dispatch([message_id])  # after the commit: the task must find the row pending
    return msg


@use_case
def reopen(message_id: int) -> OutboxMessage | None:
    """A failed message pending again with a fresh window (None when it is not failed); the caller dispatches it."""
    msg = db.session.get(OutboxMessage, message_id, with_for_update=True)
    if msg is None or msg.status != "failed":
        return None
    # A fresh window of OUTBOX_RETRY_HOURS from now, and a new failure is reported again.
    msg.status, msg.attempts, msg.next_attempt_at = "pending", 0, None
    msg.failed_at = msg.failure_reported_at = None
    msg.retry_until = clock.now() + timedelta(hours=current_app.config["OUTBOX_RETRY_HOURS"])
    return msg


def due_ids(handoff_seconds: int) -> list[int]:
    """Pending messages to send now (for the beat sweep): their next attempt has come, or they were never
    attempted and are older than `handoff_seconds` (the hand-off to Celery was lost)."""
    now = clock.now()
    due = OutboxMessage.next_attempt_at <= now
    lost = db.and_(OutboxMessage.next_attempt_at.is_(None),
                   OutboxMessage.created_at < now - timedelta(seconds=handoff_seconds))
    stmt = (db.select(OutboxMessage.id).where(OutboxMessage.status == "pending", db.or_(due, lost))
            .order_by(OutboxMessage.id).limit(1000))
    return list(db.session.scalars(stmt))

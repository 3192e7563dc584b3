"""The unit of work: the outermost use case commits once; any failure inside rolls all of it back."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import OutboxMessage
from app.services import unit_of_work
from app.services.delivery import outbox
from app.services.unit_of_work import UnitOfWorkRolledBack, use_case


def _notice(to: str) -> None:
    outbox.enqueue("confirm_email", to, {"name": "A", "link": "https://x.example/b"})


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))


@use_case
def _inner(to: str) -> None:
    _notice(to)


@use_case
def _outer(*to: str) -> None:
    for address in to:
        _inner(address)


@use_case
def _outer_then_fail(to: str) -> None:
    _inner(to)
    raise LookupError("midway")


class Refused(Exception):
    pass


@use_case
def _inner_refuses(to: str) -> None:
    _notice(to)
    raise Refused()


@use_case
def _outer_swallows(to: str) -> None:
    _inner("kept-if-not-doomed@example.dk")
    try:
        _inner_refuses(to)
    except Refused:
        pass


def _count_commits():
    seen: list[int] = []

    def listener(session):
        seen.append(1)
    sa.event.listen(db.session(), "after_commit", listener)
    return seen, listener


def test_nested_use_cases_commit_once_at_the_outermost(app):
    seen, listener = _count_commits()
    try:
        _outer("a@example.dk", "b@example.dk", "c@example.dk")
    finally:
        sa.event.remove(db.session(), "after_commit", listener)
    assert seen == [1]
    assert _count() == 3


def test_a_failure_after_nested_use_cases_leaves_nothing(app):
    with pytest.raises(LookupError):
        _outer_then_fail("a@example.dk")
    assert _count() == 0
    assert not unit_of_work.in_unit_of_work()


def test_a_nested_failure_dooms_the_unit_even_when_the_caller_catches_it(app):
    with pytest.raises(UnitOfWorkRolledBack):
        _outer_swallows("b@example.dk")
    assert _count() == 0
    _outer("after@example.dk")  # the session is usable again
    assert _count() == 1


def test_a_failed_commit_rolls_back_and_leaves_the_session_usable(app):
    @use_case
    def twice_the_same_key() -> None:
        for to in ("x@example.dk", "y@example.dk"):
            db.session.add(OutboxMessage(channel="email", template="confirm_email", recipient=to, payload={},
                                         dedup_key="same"))

    with pytest.raises(sa.exc.IntegrityError):
        twice_the_same_key()  # the unique key fails at the commit, after the function returned
    assert _count() == 0
    assert not unit_of_work.in_unit_of_work()
    _outer("ok@example.dk")
    assert _count() == 1


def test_a_rehearsal_runs_the_use_cases_and_keeps_nothing(app):
    seen = unit_of_work.rehearse(lambda: (_outer("a@x.example", "b@x.example"), _count_in_session())[1])
    assert seen == 2  # the nested use cases only flushed: their rows were there during the rehearsal
    assert _count() == 0 and not unit_of_work.in_unit_of_work()
    assert not db.session.info.get("outbox_new_ids")  # nothing left to hand to Celery


def test_a_rehearsal_refuses_to_start_with_changes_pending(app):
    _notice("c@x.example")
    with pytest.raises(unit_of_work.RehearsalNotAlone):
        unit_of_work.rehearse(lambda: None)
    db.session.rollback()


def _count_in_session() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))

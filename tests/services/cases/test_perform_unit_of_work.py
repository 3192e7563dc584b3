"""transitions.perform is a use case: it commits once when called from a view, and only flushes inside another."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseEvent, OutboxMessage
from app.services.cases import core as case_service, transitions
from app.services.unit_of_work import UnitOfWorkRolledBack, use_case
from workflows import TransitionNotAllowed


@pytest.fixture
def world(factory):
    member = factory.user(email="karen@example.dk")
    caseworker = factory.user(role="caseworker", email="mette@kommune.dk")
    chair = factory.user(role="committee_member", email="chair@kommune.dk")
    pool = factory.pool(committee=factory.committee(chair=chair), delegation_limit=20_000)
    association = factory.association(members=(member,))
    db.session.commit()
    return {"member": member, "caseworker": caseworker, "pool": pool, "association": association}


def _draft(world):
    return case_service.create_draft(world["pool"], world["association"], world["member"], "Sommerlejr", 10_000)


def _count(model, *where):
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture
def commits():
    seen: list[int] = []

    def listener(session):
        seen.append(1)
    sa.event.listen(db.session(), "after_commit", listener)
    yield seen
    sa.event.remove(db.session(), "after_commit", listener)


def test_perform_from_a_view_commits_once(world, commits):
    case = _draft(world)
    commits.clear()
    transitions.perform(case.id, "submit", world["member"])
    assert commits == [1]
    assert db.session.get(Case, case.id).state == "submitted"


def test_perform_inside_a_use_case_only_flushes_and_a_later_failure_leaves_nothing(world, commits):
    case_id = _draft(world).id
    commits.clear()

    @use_case
    def submit_then_fail():
        transitions.perform(case_id, "submit", world["member"])
        assert db.session.get(Case, case_id).state == "submitted"  # flushed inside the unit, not committed
        raise LookupError("midway")

    with pytest.raises(LookupError):
        submit_then_fail()
    assert commits == []
    assert db.session.get(Case, case_id).state == "draft"
    assert _count(CaseEvent, CaseEvent.case_id == case_id) == 0 and _count(OutboxMessage) == 0


def test_a_refused_perform_voids_the_callers_unit_even_when_caught(world):
    case_id = _draft(world).id

    @use_case
    def note_then_refused():
        db.session.add(CaseEvent(case_id=case_id, actor_id=world["member"].id, kind="note", comment="x",
                                 visibility="internal"))
        try:
            transitions.perform(case_id, "start_screening", world["member"])  # the applicant may not
        except TransitionNotAllowed:
            pass

    with pytest.raises(UnitOfWorkRolledBack):
        note_then_refused()
    assert _count(CaseEvent, CaseEvent.case_id == case_id) == 0


def test_a_lost_race_at_performs_flush_is_stale_case_and_leaves_nothing(world, monkeypatch):
    """SQLite has no row lock: someone else's UPDATE between our load and our flush fails the version check."""
    case_id = _draft(world).id
    real = transitions.apply_transition

    def and_someone_else_saves(case, *args, **kwargs):
        outcome = real(case, *args, **kwargs)
        table = Case.__table__
        db.session.execute(sa.update(table).where(table.c.id == case.id).values(version=table.c.version + 1))
        return outcome

    monkeypatch.setattr(transitions, "apply_transition", and_someone_else_saves)
    with pytest.raises(transitions.StaleCase):
        transitions.perform(case_id, "submit", world["member"])
    assert db.session.get(Case, case_id).state == "draft"
    assert _count(CaseEvent, CaseEvent.case_id == case_id) == 0 and _count(OutboxMessage) == 0

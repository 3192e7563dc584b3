"""Database rules hold whatever the code does: constraints, triggers, optimistic locking."""
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import Association, Case, CaseEvent, CommitteeMember, Membership, Pool, User


def _fails(statement_factory):
    with pytest.raises((IntegrityError, sa.exc.DBAPIError)):
        statement_factory()
        db.session.flush()
    db.session.rollback()


def test_email_unique_and_lowercase(factory):
    factory.user(email="a@example.dk")
    _fails(lambda: db.session.add(User(email="a@example.dk", password_hash="x", full_name="B")))
    _fails(lambda: db.session.add(User(email="Upper@Example.dk", password_hash="x", full_name="B")))


def test_role_is_checked(factory):
    _fails(lambda: db.session.add(User(email="x@example.dk", password_hash="x", full_name="X", role="king")))


def test_association_needs_cvr_unless_informal(factory):
    _fails(lambda: db.session.add(Association(name="Uden CVR", contact_email="a@b.dk")))
    _fails(lambda: db.session.add(Association(name="Uformel", is_informal=True, contact_email="a@b.dk")))
    db.session.add(Association(name="Uformel", is_informal=True, contact_person="Anna", contact_email="a@b.dk"))
    db.session.flush()


def test_cvr_unique(factory):
    factory.association(cvr="12345674")
    _fails(lambda: factory.association(cvr="12345674"))


def test_membership_unique(factory):
    u = factory.user()
    a = factory.association(members=(u,))
    _fails(lambda: db.session.add(Membership(user_id=u.id, association_id=a.id, role="member")))


def test_one_chair_per_committee(factory):
    chair, other = factory.user(role="committee_member"), factory.user(role="committee_member")
    c = factory.committee(chair=chair)
    _fails(lambda: db.session.add(CommitteeMember(committee_id=c.id, user_id=other.id, is_chair=True)))


def test_pool_rules(factory):
    # Each refused pool gets its own committee: a committee whose pool was rolled back keeps a pending
    # change to its pools collection, which SQLAlchemy refuses to touch again.
    _fails(lambda: factory.pool(committee=factory.committee(), budget=-1, criteria=()))
    _fails(lambda: factory.pool(committee=factory.committee(), deadline=None, is_rolling=False, criteria=()))
    from datetime import date
    _fails(lambda: factory.pool(committee=factory.committee(), opens_on=date(2026, 5, 1), deadline=date(2026, 4, 1),
                                criteria=()))


def _case(factory):
    p = factory.pool()
    a = factory.association()
    case = Case(pool_id=p.id, association_id=a.id, workflow="subsidy", state="draft", title="Sommerlejr")
    db.session.add(case)
    db.session.commit()
    return case


def test_case_events_are_append_only(factory):
    case = _case(factory)
    event = CaseEvent(case_id=case.id, kind="transition", action="submit", from_state="draft", to_state="submitted")
    db.session.add(event)
    db.session.commit()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.text("UPDATE case_events SET comment = 'changed'"))
    db.session.rollback()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.text("DELETE FROM case_events"))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)) == 1


def test_case_version_guards_lost_updates(app, factory):
    case = _case(factory)
    assert case.version == 1
    # Another session changes the case behind our back.
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE cases SET state='submitted', version=version+1 WHERE id=:id"), {"id": case.id})
    case.title = "Ændret"
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()


def test_negative_amounts_refused(factory):
    case = _case(factory)
    case.amount_applied = -5
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_pool_criterion_weight_positive(factory):
    from app.models import PoolCriterion
    p = factory.pool()
    db.session.commit()
    _fails(lambda: db.session.add(PoolCriterion(pool_id=p.id, position=9, name="X", weight=0)))
    assert len(db.session.get(Pool, p.id).criteria) == 2

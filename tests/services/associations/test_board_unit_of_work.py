"""The board's use cases: one commit each; a refusal, or a failure after them, leaves nothing behind."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AssociationEvent, Invitation, Membership, OutboxMessage
from app.services.associations import board
from app.services.unit_of_work import use_case


@pytest.fixture
def club(factory):
    chair, member = factory.user(name="Karen Holm"), factory.user(name="Bo Nielsen")
    association = factory.association(members=(chair, member))
    db.session.commit()
    return association, chair, member


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_an_invitation_commits_once_with_its_e_mail_and_journal_line(club, app):
    association, chair, _member = club
    seen: list[int] = []
    sa.event.listen(db.session(), "after_commit", lambda session: seen.append(1))
    with app.test_request_context():
        board.invite(association, chair, "ny@example.dk")
    assert seen == [1]
    assert (_count(Invitation), _count(OutboxMessage), _count(AssociationEvent)) == (1, 1, 1)


def test_an_invitation_inside_a_failing_unit_leaves_no_row_and_no_e_mail(club, app):
    association, chair, _member = club

    @use_case
    def invite_then_fail() -> None:
        board.invite(association, chair, "ny@example.dk")
        raise LookupError("a later step of the same unit failed")
    with app.test_request_context(), pytest.raises(LookupError):
        invite_then_fail()
    assert (_count(Invitation), _count(OutboxMessage), _count(AssociationEvent)) == (0, 0, 0)


def test_the_last_chair_cannot_leave_and_nothing_changes(club):
    association, chair, member = club
    with pytest.raises(board.LastChair):
        board.leave(association, chair)
    assert _count(Membership) == 2 and _count(AssociationEvent) == 0
    board.leave(association, member)  # the session is usable again after the refusal
    assert _count(Membership) == 1

"""Signing up is one use case: the user and the confirmation e-mail are committed together, or neither is."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import OutboxMessage, User
from app.services.accounts import accounts
from app.services.unit_of_work import use_case


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_sign_up_commits_the_user_and_the_confirmation_once(app):
    seen: list[int] = []
    sa.event.listen(db.session(), "after_commit", lambda session: seen.append(1))
    with app.test_request_context():
        accounts.sign_up("karen@example.dk", "en lang adgangskode", "Karen Holm")
    assert seen == [1]
    assert (_count(User), _count(OutboxMessage)) == (1, 1)


def test_a_taken_e_mail_creates_nobody_tells_its_owner_and_the_session_stays_usable(app):
    with app.test_request_context():
        accounts.sign_up("karen@example.dk", "en lang adgangskode", "Karen Holm")
        assert accounts.sign_up("Karen@example.dk", "en anden adgangskode", "Karen H.") is None
        accounts.sign_up("bo@example.dk", "en lang adgangskode", "Bo Nielsen")
    assert (_count(User), _count(OutboxMessage)) == (2, 3)
    templates = db.session.scalars(sa.select(OutboxMessage.template).where(OutboxMessage.recipient == "karen@example.dk")
                                   .order_by(OutboxMessage.id))
    assert list(templates) == ["confirm_email", "signup_attempt"]


def test_a_sign_up_inside_a_failing_unit_leaves_no_user_and_no_e_mail(app):
    @use_case
    def sign_up_then_fail() -> None:
        accounts.sign_up("karen@example.dk", "en lang adgangskode", "Karen Holm")
        raise LookupError("a later step of the same unit failed")
    with app.test_request_context(), pytest.raises(LookupError):
        sign_up_then_fail()
    assert (_count(User), _count(OutboxMessage)) == (0, 0)

"""Forvaltningsloven § 3 on payout batches: a batch with a case the caseworker is inhabil in is refused, naming it."""
import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import ConflictDeclaration, PaymentBatch, PaymentInstalment
from app.services.cases.guard import NotAllowed
from app.services.money import payouts


def _inhabil(case, user):
    db.session.add(ConflictDeclaration(case_id=case.id, user_id=user.id, reason="Jeg er kasserer i klubben"))
    db.session.commit()


def test_inhabil_caseworker_cannot_make_a_batch_with_the_case(world):
    world.granted(5_000)
    case = world.granted(3_000, association=world.other, applicant=world.other_member, title="Skakturnering")
    _inhabil(case, world.caseworker)
    with pytest.raises(NotAllowed) as refused:
        payouts.create_batch(world.caseworker, clock.today())
    assert case.number in str(refused.value.message) and "inhabil" in str(refused.value.message)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentBatch)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentInstalment)) == 0  # not even the plans


@pytest.mark.parametrize("step", ["mark_sent", "delete_draft"])
def test_inhabil_caseworker_cannot_send_or_delete_the_batch(world, factory, step):
    case = world.granted(5_000)
    batch = payouts.create_batch(world.caseworker, clock.today())
    _inhabil(case, world.caseworker)
    with pytest.raises(NotAllowed) as refused:
        getattr(payouts, step)(batch.id, world.caseworker)
    assert case.number in str(refused.value.message)
    db.session.expire_all()
    assert db.session.get(PaymentBatch, batch.id).status == "draft"


def test_inhabil_caseworker_cannot_mark_the_batch_paid(world):
    case = world.granted(5_000)
    batch = payouts.create_batch(world.caseworker, clock.today())
    world.approve(batch)
    payouts.mark_sent(batch.id, world.caseworker)
    _inhabil(case, world.caseworker)
    with pytest.raises(NotAllowed):
        payouts.mark_paid(batch.id, world.caseworker)
    db.session.expire_all()
    assert db.session.get(PaymentBatch, batch.id).status == "sent"


def test_the_payouts_page_says_why_in_danish(client, auth, world):
    case = world.granted(5_000)
    _inhabil(case, world.caseworker)
    auth.login("mette@kommune.dk")
    resp = client.post("/udbetalinger/bunker", data={"due_by": clock.today().isoformat()})
    assert resp.status_code == 403 and "inhabil i sag" in resp.get_data(as_text=True)

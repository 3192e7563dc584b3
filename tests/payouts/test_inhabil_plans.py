"""Forvaltningsloven § 3 where money is planned: a caseworker inhabil in one case cannot plan the lot."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ConflictDeclaration, PaymentInstalment
from app.services.cases.guard import NotAllowed
from app.services.money import payouts


def test_planning_refuses_an_inhabil_caseworker_and_writes_nothing(world, client, auth):
    case = world.granted(10_000)
    world.granted(5_000, title="Vinterlejr")
    db.session.execute(sa.delete(PaymentInstalment))  # as before "Opret udbetalingsplaner" was pressed
    db.session.add(ConflictDeclaration(case_id=case.id, user_id=world.caseworker.id, reason="Kasserer i klubben"))
    db.session.commit()
    with pytest.raises(NotAllowed) as refused:
        payouts.create_plans(world.caseworker)
    assert case.number in str(refused.value.message)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentInstalment)) == 0
    auth.login("mette@kommune.dk")
    body = client.post("/udbetalinger/planer", follow_redirects=True).get_data(as_text=True)
    assert "inhabil i sag" in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentInstalment)) == 0

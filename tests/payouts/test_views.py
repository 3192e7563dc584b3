"""The caseworker's payout pages: a batch from form to paid; access for everybody else."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Case, PaymentBatch


def test_caseworker_creates_downloads_and_pays_a_batch(world, client, auth):
    case = world.granted(10_000)
    auth.login("mette@kommune.dk")
    assert "Opret udbetalingsplaner" in client.get("/udbetalinger/").get_data(as_text=True)
    response = client.post("/udbetalinger/bunker", data={"due_by": "31.12.2099"})
    assert response.status_code == 302
    batch = db.session.scalars(db.select(PaymentBatch)).one()
    page = client.get(f"/udbetalinger/bunker/{batch.id}").get_data(as_text=True)
    assert "12345674" in page and "10.000 kr." in page
    file = client.get(f"/udbetalinger/bunker/{batch.id}/udbetaling.csv")
    assert file.mimetype == "text/csv" and file.data.startswith("\ufeff".encode()) and b"10000,00" in file.data
    world.approve(batch)  # the to-mandsregel (its pages are tested below)
    client.post(f"/udbetalinger/bunker/{batch.id}/sendt")
    client.post(f"/udbetalinger/bunker/{batch.id}/betalt")
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "paid"


def test_a_batch_is_sent_only_after_a_second_caseworker_approves_it(world, factory, client, auth):
    world.granted(10_000)
    factory.user(role="caseworker", email="jonas@kommune.dk", name="Jonas Bæk")
    db.session.commit()
    auth.login("mette@kommune.dk")
    client.post("/udbetalinger/bunker", data={"due_by": "31.12.2099"})
    batch = db.session.scalars(db.select(PaymentBatch)).one()
    page = client.get(f"/udbetalinger/bunker/{batch.id}").get_data(as_text=True)
    assert "Venter på godkendelse" in page and "Godkend udbetalingen" not in page
    assert "Venter på godkendelse" in client.get("/udbetalinger/").get_data(as_text=True)
    sent = client.post(f"/udbetalinger/bunker/{batch.id}/sendt", follow_redirects=True).get_data(as_text=True)
    assert "En anden medarbejder skal godkende udbetalingen" in sent
    own = client.post(f"/udbetalinger/bunker/{batch.id}/godkend", follow_redirects=True).get_data(as_text=True)
    assert "Du har selv oprettet udbetalingen" in own
    db.session.expire_all()
    assert db.session.get(PaymentBatch, batch.id).status == "draft"
    auth.logout()
    auth.login("jonas@kommune.dk")
    assert "Godkend udbetalingen" in client.get(f"/udbetalinger/bunker/{batch.id}").get_data(as_text=True)
    assert client.post(f"/udbetalinger/bunker/{batch.id}/godkend", data={"answer": "Tjekket"}).status_code == 302
    page = client.get(f"/udbetalinger/bunker/{batch.id}").get_data(as_text=True)
    assert "Godkendt af Jonas Bæk" in page and "Tjekket" in page
    auth.logout()
    auth.login("mette@kommune.dk")
    client.post(f"/udbetalinger/bunker/{batch.id}/sendt")
    db.session.expire_all()
    assert db.session.get(PaymentBatch, batch.id).status == "sent"


def test_a_rejected_batch_is_deleted_and_its_instalments_wait(world, factory, client, auth):
    from app.models import MoneyApproval, PaymentInstalment
    from app.services.money import payouts
    from app import clock
    world.granted(10_000)
    factory.user(role="caseworker", email="jonas@kommune.dk", name="Jonas Bæk")
    db.session.commit()
    batch_id = payouts.create_batch(world.caseworker, clock.today()).id
    auth.login("jonas@kommune.dk")
    assert client.post(f"/udbetalinger/bunker/{batch_id}/afvis", data={"answer": "Forkert dato"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(PaymentBatch, batch_id) is None
    assert db.session.scalars(db.select(PaymentInstalment.batch_id)).all() == [None]
    [record] = db.session.scalars(db.select(MoneyApproval)).all()
    assert (record.status, record.answer) == ("rejected", "Forkert dato")


def test_bad_date_keeps_input_and_says_so_in_danish(world, client, auth):
    auth.login("mette@kommune.dk")
    response = client.post("/udbetalinger/bunker", data={"due_by": "i morgen"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Skriv en dato som dd.mm.åååå" in page and 'value="i morgen"' in page
    nothing = client.post("/udbetalinger/bunker", data={"due_by": "01.01.2000"})
    assert nothing.status_code == 400 and "ingen rater" in nothing.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/udbetalinger/", "/udbetalinger/bunker/1", "/udbetalinger/bunker/1/udbetaling.csv"])
@pytest.mark.parametrize("email,role", [("karen@example.dk", "member"), ("udvalg@kommune.dk", "committee_member")])
def test_others_get_403(world, factory, client, auth, url, email, role):
    if role != "member":
        factory.user(role=role, email=email)
        db.session.commit()
    auth.login(email)
    assert client.get(url).status_code == 403


def test_unknown_batch_is_404_and_login_required(world, client, auth):
    assert client.get("/udbetalinger/").status_code == 302
    auth.login("mette@kommune.dk")
    assert client.get("/udbetalinger/bunker/999").status_code == 404

"""Registering an association through the page: valid, invalid CVR, duplicate CVR, informal group."""
import pytest

from app.extensions import db
from app.models import Association, AssociationEvent, Membership

VALID = {"kind": "association", "cvr": "25063783", "name": "Skakklubben Springeren", "street": "Torvet 3",
         "postcode": "2730", "city": "Herlev", "contact_email": "skak@example.dk", "phone": "12 34 56 78",
         "website": "www.springeren.dk", "description": "Skak for børn og voksne.", "works_with_children": "yes",
         "declares_child_certificate": "y"}


@pytest.fixture
def member(client, auth, factory):
    user = factory.user(email="anna@example.dk", name="Anna Lund")
    db.session.commit()
    auth.login("anna@example.dk")
    return user


def _post(client, **changes):
    data = {**VALID, **changes}
    return client.post("/forening/ny", data={k: v for k, v in data.items() if v is not None})


def test_form_prefills_the_users_email(client, member):
    body = client.get("/forening/ny").get_data(as_text=True)
    assert 'value="anna@example.dk"' in body and "uformel gruppe" in body.lower()
    assert "kan søge puljer til nye initiativer" in body


def test_valid_registration_makes_the_user_chair(client, member):
    resp = _post(client)
    association = db.session.scalar(db.select(Association))
    assert resp.status_code == 302 and resp.location.endswith(f"/forening/foreninger/{association.id}")
    assert (association.cvr, association.postcode, association.website) == ("25063783", "2730", "https://www.springeren.dk")
    assert association.works_with_children and association.child_certificate_declared_at is not None
    assert association.child_certificate_declared_by_id == member.id
    [membership] = db.session.scalars(db.select(Membership)).all()
    assert (membership.user_id, membership.role) == (member.id, "chair")
    actions = [e.action for e in db.session.scalars(db.select(AssociationEvent).order_by(AssociationEvent.id))]
    assert actions == ["registered", "child_certificate_declared"]
    page = client.get(resp.location).get_data(as_text=True)
    assert "Skakklubben Springeren" in page and "Formand" in page


def test_cvr_with_spaces_and_prefix_is_accepted(client, member):
    _post(client, cvr="DK 2506 3783")
    assert db.session.scalar(db.select(Association.cvr)) == "25063783"


def test_invalid_cvr_gets_danish_message_and_keeps_input(client, member):
    resp = _post(client, cvr="25063784")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "kontrolcifferet passer ikke" in body and 'id="error-summary"' in body
    assert 'value="Skakklubben Springeren"' in body and 'value="Torvet 3"' in body and "Skak for børn og voksne." in body
    assert 'value="25063784"' in body
    assert db.session.scalar(db.select(db.func.count()).select_from(Association)) == 0


def test_duplicate_cvr_tells_them_to_ask_the_board(client, member, factory):
    factory.association(cvr="25063783", name="Springeren (allerede her)")
    db.session.commit()
    body = _post(client).get_data(as_text=True)
    assert "allerede registreret" in body and "invitere dig" in body
    assert 'value="Skakklubben Springeren"' in body
    assert db.session.scalar(db.select(db.func.count()).select_from(Membership)) == 0


def test_informal_group_with_contact_person(client, member):
    resp = _post(client, kind="informal", cvr="", contact_person="Anna Lund", street="", postcode="", city="",
                 name="Naboerne på Kirkevej", works_with_children="no", declares_child_certificate=None)
    assert resp.status_code == 302
    group = db.session.scalar(db.select(Association))
    assert group.is_informal and group.cvr is None and group.contact_person == "Anna Lund"
    page = client.get(resp.location).get_data(as_text=True)
    assert "Uformelle grupper kan ikke godkendes" in page


def test_informal_group_needs_contact_person(client, member):
    body = _post(client, kind="informal", cvr="", contact_person="").get_data(as_text=True)
    assert "Skriv navnet på gruppens kontaktperson" in body


def test_association_needs_cvr_and_address(client, member):
    body = _post(client, cvr="", street="", postcode="27", city="").get_data(as_text=True)
    assert "Skriv foreningens CVR-nummer" in body and "Skriv foreningens adresse" in body
    assert "Et postnummer har 4 cifre" in body and "Skriv byen" in body


@pytest.mark.parametrize("changes", [
    {"kind": "<script>"}, {"works_with_children": "måske"}, {"contact_email": "ikke-en-mail"},
    {"name": "x" * 5000}, {"website": "ikke en adresse"}, {"phone": "ring!"},
])
def test_bad_input_is_a_message_never_a_500(client, member, changes):
    resp = _post(client, **changes)
    assert resp.status_code == 200 and 'id="error-summary"' in resp.get_data(as_text=True)


def test_staff_may_not_register(client, auth, factory):
    factory.user(role="caseworker", email="mette@kommune.dk")
    db.session.commit()
    auth.login("mette@kommune.dk")
    assert client.get("/forening/ny").status_code == 403


def test_anonymous_is_sent_to_login(client):
    resp = client.get("/forening/ny")
    assert resp.status_code == 302 and "/konto/log-ind" in resp.location

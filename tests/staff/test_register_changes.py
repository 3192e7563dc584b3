"""A caseworker sees what the nightly CVR register sync found on the approvals page and applies or dismisses it."""
import pytest

from app.extensions import db
from app.models import AssociationConflict, AssociationEvent, RegisterChange
from app.services.associations import register_sync
from tests import cvr_standin as standin


@pytest.fixture
def flagged(factory, cvr_register):
    association = factory.association(cvr=standin.CHANGING_CVR, name="Boldklubben Nordstjernen",
                                      street="Stadionvej 12", postcode="2730", city="Herlev")
    caseworker = factory.user(role="caseworker", email="mette@kommune.dk")
    db.session.commit()
    register_sync.sync_all()
    cvr_register.changed = True
    register_sync.sync_all()
    change = db.session.scalar(db.select(RegisterChange))
    return association, caseworker, change


def test_caseworker_sees_and_applies_the_change(client, auth, flagged):
    association, caseworker, change = flagged
    auth.login("mette@kommune.dk")
    page = client.get("/sagsbehandling/godkendelser/").get_data(as_text=True)
    assert "Ændringer i CVR-registret (1)" in page and "Idrætsvej 4" in page and "Stadionvej 12" in page
    assert "Sofie Dahl (formand)" in page
    resp = client.post(f"/sagsbehandling/godkendelser/cvr/{change.id}/overfoer")
    assert resp.status_code == 302 and resp.location.endswith("#cvr-registret")
    db.session.expire_all()
    assert association.street == "Idrætsvej 4" and change.status == "applied"
    page = client.get("/sagsbehandling/godkendelser/").get_data(as_text=True)
    assert "er overført til foreningen" in page and "Ingen ændringer fra CVR-registret venter." in page
    again = client.post(f"/sagsbehandling/godkendelser/cvr/{change.id}/afvis", follow_redirects=True)
    assert "allerede behandlet" in again.get_data(as_text=True)


def test_caseworker_dismisses_and_nothing_changes(client, auth, flagged):
    association, caseworker, change = flagged
    auth.login("mette@kommune.dk")
    client.post(f"/sagsbehandling/godkendelser/cvr/{change.id}/afvis")
    db.session.expire_all()
    assert association.street == "Stadionvej 12" and change.status == "dismissed"
    event = db.session.scalar(db.select(AssociationEvent))
    assert (event.action, event.actor_id) == ("register_change_dismissed", caseworker.id)


def test_inhabil_caseworker_is_refused(client, auth, flagged):
    association, caseworker, change = flagged
    db.session.add(AssociationConflict(association_id=association.id, user_id=caseworker.id, reason="Formand"))
    db.session.commit()
    auth.login("mette@kommune.dk")
    assert "Idrætsvej 4" not in client.get("/sagsbehandling/godkendelser/").get_data(as_text=True)
    assert client.post(f"/sagsbehandling/godkendelser/cvr/{change.id}/overfoer").status_code == 403
    db.session.expire_all()
    assert change.status == "pending"


@pytest.mark.parametrize("email", ["forening@example.dk", None])
def test_members_and_visitors_cannot_decide(client, auth, factory, flagged, email):
    change = flagged[2]
    if email:
        factory.user(email=email)
        db.session.commit()
        auth.login(email)
    assert client.post(f"/sagsbehandling/godkendelser/cvr/{change.id}/overfoer").status_code in (302, 403)
    db.session.expire_all()
    assert change.status == "pending"


def test_unknown_change_is_a_message_not_a_500(client, auth, flagged):
    auth.login("mette@kommune.dk")
    resp = client.post("/sagsbehandling/godkendelser/cvr/999999/overfoer", follow_redirects=True)
    assert resp.status_code == 200 and "allerede behandlet" in resp.get_data(as_text=True)

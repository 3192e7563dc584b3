"""Registration with the CVR register (the loopback stand-in): prefill, a ceased or unknown CVR refused next to
the field, and a register that does not answer leaves registration usable with the association not yet checked."""
import pytest

from app.extensions import db
from app.models import Association
from tests import cvr_standin as standin
from tests.portal.test_registration import VALID


@pytest.fixture
def member(client, auth, factory):
    user = factory.user(email="anna@example.dk", name="Anna Lund")
    db.session.commit()
    auth.login("anna@example.dk")
    return user


def _post(client, **changes):
    data = {**VALID, **changes}
    return client.post("/forening/ny", data={k: v for k, v in data.items() if v is not None})


def _count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Association))


def test_without_a_register_there_is_no_fetch_button(client, member):
    assert "Hent fra CVR-registret" not in client.get("/forening/ny").get_data(as_text=True)
    assert _post(client).status_code == 302
    assert db.session.scalar(db.select(Association.register_checked_at)) is None


def test_fetch_fills_empty_name_and_address_and_keeps_the_rest(client, member, cvr_register):
    assert "Hent fra CVR-registret" in client.get("/forening/ny").get_data(as_text=True)
    resp = _post(client, action="fetch", name="", street="", postcode="", city="Min egen by",
                 description="Vi spiller skak.")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and _count() == 0
    assert 'value="Skakklubben Springeren"' in body and 'value="Torvet 3"' in body and 'value="2730"' in body
    assert 'value="Min egen by"' in body and "Vi spiller skak." in body and 'value="skak@example.dk"' in body
    assert "hentet fra CVR-registret" in body and 'id="error-summary"' not in body


def test_registration_checks_and_keeps_what_the_register_said(client, member, cvr_register):
    assert _post(client).status_code == 302
    association = db.session.scalar(db.select(Association))
    assert association.register_checked_at is not None
    assert association.register_snapshot["status"] == "Aktiv"
    assert ["Anna Lund", "FORMAND"] in association.register_snapshot["board"]


@pytest.mark.parametrize("action", ["fetch", None])
def test_ceased_cvr_is_refused_next_to_the_field(client, member, cvr_register, action):
    resp = _post(client, cvr=standin.CEASED_CVR, action=action)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and _count() == 0
    assert 'id="cvr-error"' in body and "er ophørt" in body and "opløst efter frivillig likvidation" in body
    assert 'value="Skakklubben Springeren"' in body


def test_unknown_cvr_is_refused(client, member, cvr_register):
    body = _post(client, cvr=standin.UNKNOWN_CVR).get_data(as_text=True)
    assert "findes ikke i CVR-registret" in body and _count() == 0


@pytest.mark.parametrize("mode", ["error", "slow", "garbage"])
def test_unavailable_register_lets_registration_go_on_unchecked(client, member, cvr_register, mode):
    cvr_register.mode, cvr_register.slow_seconds = mode, 1.0
    resp = _post(client)
    assert resp.status_code == 302
    association = db.session.scalar(db.select(Association))
    assert association.register_checked_at is None and association.register_snapshot is None
    assert "ikke kontrolleret endnu" in client.get(resp.location).get_data(as_text=True)


def test_unavailable_register_at_fetch_keeps_the_form(client, member, cvr_register):
    cvr_register.mode = "error"
    resp = _post(client, action="fetch", name="")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "svarer ikke lige nu" in body and 'value="Torvet 3"' in body


def test_fetch_with_an_invalid_cvr_says_so(client, member, cvr_register):
    body = _post(client, action="fetch", cvr="25063784").get_data(as_text=True)
    assert "kontrolcifferet passer ikke" in body and cvr_register.requests == 0

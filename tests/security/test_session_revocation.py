"""Sessions end for good (issue 18): a cookie saved before log-out, a new password, a 2FA reset, disabling or
"Log ud overalt" opens nothing afterwards, and a refused replay does not keep itself alive."""
from __future__ import annotations

import pytest
from flask import g
from flask.testing import FlaskClient

from app.extensions import db
from app.models import User
from app.security import SESSION_VERSION
from app.services.accounts import accounts, two_factor
from app.services.accounts.tokens import make_token
from tests.factories import PASSWORD

MEMBER = "karen@example.dk"
CASEWORKER = "mette@kommune.dk"
NEW_PASSWORD = "en-helt-ny-adgangskode-77"


class SeparateRequestsClient(FlaskClient):
    """The tests hold one app context open, so Flask keeps `g` between requests, and with it the user
    Flask-Login loaded for the previous request (of any client). Each request here loads its own user
    from its own cookie, as two browsers against a server do."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture(autouse=True)
def _separate_requests(app):
    app.test_client_class = SeparateRequestsClient


@pytest.fixture
def member(factory):
    user = factory.user(email=MEMBER, name="Karen Holm")
    db.session.commit()
    return user


@pytest.fixture
def caseworker(factory):
    user = factory.user(role="caseworker", email=CASEWORKER, name="Mette Sørensen")
    db.session.commit()
    return user


def _saved_cookie(client) -> str:
    """What a thief copies out of the browser."""
    return client.get_cookie("session").value


def _replay(app, cookie: str):
    """A fresh browser that presents the copied cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie, domain="localhost")
    return thief


def _refused(thief, path: str) -> bool:
    resp = thief.get(path)
    return resp.status_code == 302 and resp.location.startswith("/konto/log-ind")


def test_a_cookie_saved_before_log_out_opens_nothing_after_it(app, client, auth, member):
    auth.login(MEMBER)
    cookie = _saved_cookie(client)
    assert _replay(app, cookie).get("/forening/").status_code == 200  # a live copy works (it is a copy)
    auth.logout()
    thief = _replay(app, cookie)
    assert _refused(thief, "/forening/")
    assert _refused(thief, "/forening/")  # the refusal did not refresh anything: it stays refused
    assert _refused(_replay(app, cookie), "/konto/sikkerhed")


def test_a_refused_replay_cannot_act(app, client, auth, member):
    auth.login(MEMBER)
    cookie = _saved_cookie(client)
    auth.logout()
    resp = _replay(app, cookie).post("/forening/ny", data={"kind": "informal", "name": "Naboerne"})
    assert resp.status_code == 302 and "/konto/log-ind" in resp.location
    from app.models import Association
    assert db.session.scalar(db.select(db.func.count()).select_from(Association)) == 0


def test_log_out_on_one_device_ends_the_others(app, auth, member):
    phone = app.test_client()
    auth.login(MEMBER)
    phone.post("/konto/log-ind", data={"email": MEMBER, "password": PASSWORD})
    assert phone.get("/forening/").status_code == 200
    auth.logout()
    assert _refused(phone, "/forening/")


def test_a_password_reset_ends_every_session(app, client, auth, member):
    auth.login(MEMBER)
    cookie = _saved_cookie(client)
    token = make_token("reset", {"uid": member.id, "fp": accounts.password_fingerprint(member)})
    owner = app.test_client()
    resp = owner.post(f"/konto/ny-adgangskode/{token}", data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert resp.status_code == 302
    assert owner.get("/forening/").status_code == 200  # the owner, logged in by the reset, goes on
    assert _refused(_replay(app, cookie), "/forening/")
    assert _refused(client, "/forening/")


def test_a_two_factor_reset_ends_every_session(app, client, auth, caseworker):
    auth.login(CASEWORKER)
    cookie = _saved_cookie(client)
    assert client.get("/sagsbehandling/").status_code == 200
    version = db.session.get(User, caseworker.id).session_version
    two_factor.reset(caseworker.id, None)
    db.session.expire_all()
    assert db.session.get(User, caseworker.id).session_version == version + 1
    assert _refused(_replay(app, cookie), "/sagsbehandling/")


def test_disabling_ends_every_session_and_enabling_does_not_bring_them_back(app, client, auth, factory, member):
    from app.services.admin import users
    admin = factory.user(role="administrator", email="anne@kommune.dk")
    db.session.commit()
    auth.login(MEMBER)
    cookie = _saved_cookie(client)
    users.set_active(member.id, admin, False)
    assert _refused(_replay(app, cookie), "/forening/")
    users.set_active(member.id, admin, True)
    assert _refused(_replay(app, cookie), "/forening/")


def test_log_out_everywhere_ends_the_other_sessions_and_keeps_this_one(app, client, auth, member):
    """Decided: the session that asks stays logged in (the person is right there); every other one ends,
    and so does any copy of this session's cookie taken before."""
    other = app.test_client()
    other.post("/konto/log-ind", data={"email": MEMBER, "password": PASSWORD})
    auth.login(MEMBER)
    before = _saved_cookie(client)
    page = client.get("/konto/sikkerhed").get_data(as_text=True)
    assert "Log ud overalt" in page and "/konto/sikkerhed/log-ud-overalt" in page
    resp = client.post("/konto/sikkerhed/log-ud-overalt", follow_redirects=True)
    assert "Du er nu logget ud alle andre steder" in resp.get_data(as_text=True)
    assert client.get("/forening/").status_code == 200
    assert _refused(other, "/forening/")
    assert _refused(_replay(app, before), "/forening/")
    with client.session_transaction() as session:
        assert session[SESSION_VERSION] == db.session.get(User, member.id).session_version


def test_log_out_everywhere_for_staff_keeps_the_second_factor(app, client, auth, caseworker):
    auth.login(CASEWORKER)
    client.post("/konto/sikkerhed/log-ud-overalt")
    assert client.get("/sagsbehandling/").status_code == 200


def test_log_out_everywhere_needs_a_log_in(client):
    assert client.post("/konto/sikkerhed/log-ud-overalt").location.startswith("/konto/log-ind")


def test_a_session_from_before_versions_is_ended(client, auth, member):
    auth.login(MEMBER)
    with client.session_transaction() as session:
        session.pop(SESSION_VERSION)
    assert _refused(client, "/forening/")


def test_a_half_finished_two_factor_log_in_dies_with_a_password_reset(app, client, factory):
    """The password step is only pending until the code; a new password in between must end it too."""
    from tests.auth.test_two_factor import _code
    import pyotp
    from app import clock
    user = factory.user(role="caseworker", email=CASEWORKER, totp_secret=pyotp.random_base32(),
                        totp_enabled_at=clock.now())
    db.session.commit()
    client.post("/konto/log-ind", data={"email": CASEWORKER, "password": PASSWORD})
    token = make_token("reset", {"uid": user.id, "fp": accounts.password_fingerprint(user)})
    accounts.reset_password(token, NEW_PASSWORD)
    resp = client.post("/konto/to-faktor", data={"code": _code(db.session.get(User, user.id).totp_secret)})
    assert resp.location.startswith("/konto/log-ind")
    assert _refused(client, "/sagsbehandling/")

"""Staff single sign-on against a real OpenID Connect provider (npm oidc-provider on loopback, tests/oidc_provider).

The app is served on a loopback port and driven by a requests session, so every redirect between the app
and the provider is a real HTTP one; the provider signs real ID tokens and posts real logout tokens.
"""
from __future__ import annotations

import re
import socket
import threading
from html import unescape

import pytest
import requests

from tests import oidc_provider
from tests.conftest import own_database, release_database


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_port() -> int:
    return _free_port()


@pytest.fixture(scope="session")
def provider(app_port):
    """One provider for the session (about a second to start); it keeps its keys, accounts and sessions."""
    started = oidc_provider.start([f"http://127.0.0.1:{app_port}"])
    yield started
    started.stop()


@pytest.fixture
def sso_app(provider, app_port, database_template, tmp_path):
    """The app with SSO configured, served on the port the provider's client redirects to."""
    from werkzeug.serving import make_server

    from app import create_app
    from app.extensions import db
    from config import TestingConfig
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=own_database(database_template, tmp_path),
                     SERVER_NAME=None, MAIL_LOG_PATH=str(tmp_path / "mail.log"), UPLOAD_FOLDER=str(tmp_path / "f"),
                     **oidc_provider.app_settings(provider))
    server = make_server("127.0.0.1", app_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with app.app_context():
        yield app
        server.shutdown()
        release_database(db)


@pytest.fixture
def base(app_port) -> str:
    return f"http://127.0.0.1:{app_port}"


def _provider_login(http: requests.Session, response: requests.Response, account: str) -> requests.Response:
    """Fill the provider's log-in form (devInteractions) and follow the redirects back."""
    assert response.status_code == 200, response.text[:300]
    action = unescape(re.search(r'<form[^>]*action="([^"]+)"', response.text).group(1))
    url = requests.compat.urljoin(response.url, action)
    return http.post(url, data={"prompt": "login", "login": account, "password": "hvadsomhelst"}, timeout=10)


def sso_login(base: str, account: str, http: requests.Session | None = None) -> tuple[requests.Session, requests.Response]:
    http = http or requests.Session()
    started = http.get(f"{base}/konto/sso", timeout=10)
    return http, _provider_login(http, started, account)


def _journal(reason_prefix: str) -> list[dict]:
    from app.extensions import db
    from app.models import AdminEvent
    db.session.expire_all()
    events = db.session.scalars(db.select(AdminEvent).where(AdminEvent.action == "sso_refused")).all()
    return [e.after for e in events if e.after["reason"].startswith(reason_prefix)]


def _user(email: str):
    from app.extensions import db
    from app.models.user import find_user_by_email
    db.session.expire_all()
    return find_user_by_email(email)


def test_login_page_offers_staff_sso_only_when_configured(sso_app, base):
    assert "Log ind som medarbejder" in requests.get(f"{base}/konto/log-ind", timeout=10).text
    sso_app.config["OIDC_ISSUER"] = None  # nothing configured: today's log-in page, no SSO routes
    assert "Log ind som medarbejder" not in requests.get(f"{base}/konto/log-ind", timeout=10).text
    assert requests.get(f"{base}/konto/sso", timeout=10).status_code == 404


def test_caseworker_logs_in_through_the_provider_and_lands_in_the_queue(sso_app, base):
    http, landed = sso_login(base, "sagsbehandler")
    assert landed.status_code == 200
    assert landed.url.startswith(base) and "/konto/" not in landed.url
    assert "<h1>Sager</h1>" in landed.text  # the queue
    user = _user("sso.sagsbehandler@kommune.example")
    assert user.role == "caseworker" and user.full_name == "Signe Sagsbehandler"
    assert [(i.provider, i.subject) for i in _identities(user)] == [("oidc", "sagsbehandler")]
    # No local TOTP asked: the IdP did the strong log-in; a second page opens without a code.
    assert http.get(landed.url, timeout=10).url == landed.url
    from app.main.navigation import home_endpoint
    from flask import url_for
    with sso_app.test_request_context(base_url=base):
        assert landed.url == url_for(home_endpoint(user), _external=True)


def _identities(user):
    from app.extensions import db
    from app.models import ExternalIdentity
    return db.session.scalars(db.select(ExternalIdentity).where(ExternalIdentity.user_id == user.id)).all()


def test_the_delegated_second_factor_ends_with_the_sso_configuration(sso_app, base):
    """Staff 2FA is the IdP's only while SSO is configured: without it the same session must give a local code."""
    http, landed = sso_login(base, "sagsbehandler")
    assert http.get(landed.url, timeout=10).url == landed.url
    sso_app.config["OIDC_ROLE_GROUPS"] = {}
    assert "/konto/log-ind" in http.get(landed.url, timeout=10).url


def test_an_unreachable_provider_is_a_danish_page(sso_app, base):
    sso_app.config["OIDC_ISSUER"] = f"http://127.0.0.1:{_free_port()}"
    sso_app.extensions.pop("oidc_client", None)
    answer = requests.get(f"{base}/konto/sso", timeout=10)
    assert answer.status_code == 502 and "Kommunens log-in svarer ikke lige nu" in answer.text
    assert len(_journal("provider_unavailable")) == 1


def test_an_existing_staff_account_is_linked_and_a_members_address_is_refused(sso_app, base):
    from app.services.accounts import accounts
    staff = accounts.create_staff("sso.udvalg@kommune.example", "Ulla Udvalg", "committee_member", password="x" * 16)
    assert sso_login(base, "udvalg")[1].status_code == 200
    assert [i.subject for i in _identities(staff)] == ["udvalg"]
    with sso_app.test_request_context(base_url=base):
        member = accounts.sign_up("sso.admin@kommune.example", "en-lang-adgangskode-42", "Anders Medlem")
    _, answer = sso_login(base, "admin")
    assert answer.status_code == 403 and "bruges allerede af en forenings bruger" in answer.text
    assert _user("sso.admin@kommune.example").role == "member" and _identities(member) == []


def test_role_follows_the_groups_at_every_login(sso_app, base, provider):
    sso_login(base, "udvalg")
    assert _user("sso.udvalg@kommune.example").role == "committee_member"
    sso_app.config["OIDC_ROLE_GROUPS"] = {**sso_app.config["OIDC_ROLE_GROUPS"], "fs-udvalg": "caseworker"}
    sso_login(base, "udvalg")
    assert _user("sso.udvalg@kommune.example").role == "caseworker"


def test_a_user_without_a_mapped_group_is_refused(sso_app, base):
    _, answer = sso_login(base, "uden-gruppe")
    assert answer.status_code == 403
    assert "giver ikke adgang til Foreningsstøtte" in answer.text
    assert _user("sso.uden@kommune.example") is None
    assert _journal("no_mapped_group") == [{"reason": "no_mapped_group", "subject": "uden-gruppe"}]


# Which check refused each doctored ID token (the journal names the error).
REFUSED_AS = {"signature": "BadSignatureError", "expired": "ExpiredTokenError", "audience": "InvalidClaimError",
              "audience-azp": "InvalidClaimError",
              "nonce": "InvalidClaimError", "issuer": "InvalidClaimError"}


@pytest.mark.parametrize("kind", sorted(REFUSED_AS))
def test_a_doctored_id_token_is_refused(sso_app, base, provider, kind):
    provider.forge_next_id_token(kind)
    _, answer = sso_login(base, "sagsbehandler")
    assert answer.status_code == 400
    assert "Log-in gennem kommunens log-in blev afvist" in answer.text
    assert _user("sso.sagsbehandler@kommune.example") is None
    assert [e["reason"] for e in _journal("invalid_answer")] == [f"invalid_answer:{REFUSED_AS[kind]}"]


def test_a_replayed_answer_is_refused(sso_app, base):
    http = requests.Session()
    started = http.get(f"{base}/konto/sso", timeout=10)
    # Stop at the provider's redirect back to us, to send that answer twice.
    action = unescape(re.search(r'<form[^>]*action="([^"]+)"', started.text).group(1))
    answer = http.post(requests.compat.urljoin(started.url, action),
                       data={"prompt": "login", "login": "admin", "password": "x"}, allow_redirects=False, timeout=10)
    while not answer.headers["Location"].startswith(f"{base}/konto/sso/svar"):
        answer = http.get(requests.compat.urljoin(answer.url, answer.headers["Location"]), allow_redirects=False,
                          timeout=10)
    callback = answer.headers["Location"]
    assert http.get(callback, timeout=10).status_code == 200
    again = http.get(callback, timeout=10)  # its state has been used: the session no longer holds it
    assert again.status_code == 400 and "blev afvist" in again.text
    other = requests.Session().get(callback, timeout=10)  # another browser never started this log-in
    assert other.status_code == 400
    assert len(_journal("invalid_answer:MismatchingStateError")) == 2


def test_deactivated_at_the_provider_means_no_access_at_the_next_request(sso_app, base, provider):
    http, landed = sso_login(base, "admin")
    assert landed.status_code == 200 and "/konto/log-ind" not in landed.url
    try:
        assert provider.deactivate("admin") == 1  # the provider posts a signed logout token to us
        after = http.get(landed.url, timeout=10)
        assert "/konto/log-ind" in after.url
        _, again = sso_login(base, "admin")
        assert "/konto/sso/svar" not in again.url and again.url.startswith(provider.issuer)  # the IdP refuses it
    finally:
        provider.activate("admin")


@pytest.mark.parametrize("variant", ["signature", "no-events", "nonce", "audience", "expired"])
def test_a_doctored_logout_token_is_refused(sso_app, base, provider, variant):
    http, landed = sso_login(base, "sagsbehandler")
    answer = requests.post(f"{base}/konto/sso/backchannel-logout",
                           data={"logout_token": provider.logout_token("sagsbehandler", variant)}, timeout=10)
    assert answer.status_code == 400 and answer.json() == {"error": "invalid_request"}
    assert http.get(landed.url, timeout=10).url == landed.url  # still logged in
    assert len(_journal("logout_invalid")) == 1


def test_a_replayed_logout_token_is_refused(sso_app, base, provider):
    token = provider.logout_token("sagsbehandler")
    first = requests.post(f"{base}/konto/sso/backchannel-logout", data={"logout_token": token}, timeout=10)
    assert first.status_code == 200
    again = requests.post(f"{base}/konto/sso/backchannel-logout", data={"logout_token": token}, timeout=10)
    assert again.status_code == 400
    assert requests.post(f"{base}/konto/sso/backchannel-logout", data={}, timeout=10).status_code == 400  # no token
    assert _journal("logout_replayed") == [{"reason": "logout_replayed", "subject": None}]


def test_password_login_keeps_the_local_totp_for_staff(sso_app):
    """The delegation belongs to the SSO session: the same app's password log-in for staff still asks for a code."""
    from app.security import SIGNED_IN_BY
    from app.services.accounts import accounts
    user = accounts.create_staff("lokal@kommune.example", "Lone Lokal", "caseworker", password="demo-adgangskode")
    with sso_app.test_client() as client:
        answer = client.post("/konto/log-ind", data={"email": user.email, "password": "demo-adgangskode"})
        assert answer.headers["Location"].endswith("/konto/to-faktor")
        with client.session_transaction() as session:
            assert SIGNED_IN_BY not in session

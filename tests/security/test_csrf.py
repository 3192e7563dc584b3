"""Every state-changing route refuses a request without a valid CSRF token, and writes nothing.

The routes come from the URL map, so a route added later is covered without touching this test.
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from werkzeug.routing import FloatConverter, IntegerConverter

from config import TestingConfig

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Routes allowed to skip CSRF, each with the reason. None today: there is no token-authenticated API.
EXEMPT: dict[str, str] = {
    # The integration API reads no cookie: a call is a client's bearer token (or, at /token, its id and secret),
    # which a browser on another site cannot send for it. Held by tests/api/test_token.py.
    "api": "bearer tokens and client credentials, no session cookie",
    # NemLog-in posts its signed, encrypted answer from its own site (SAML's POST binding): the answer's signature,
    # audience, the request id in the signed RelayState and the replay table stand where the token would.
    # Held by tests/auth/test_nemlogin.py.
    "auth.nemlogin_acs": "a signed SAML answer from NemLog-in, posted from its site",
    # The municipality's IdP posts a signed logout token server to server (OIDC Back-Channel Logout): no browser,
    # no cookie. Held by tests/auth/test_single_sign_on.py.
    "auth.sso_backchannel_logout": "a signed logout token from the IdP, server to server",
}
CSRF_MESSAGE = "Formularen var for gammel eller blev sendt to gange"
MEMBER_PREFIXES = ("/forening", "/ansoeg", "/foreningsliste")


@pytest.fixture
def csrf_app(database_template, tmp_path):
    """An app with CSRF on (as in production) and the demo data."""
    from app import create_app
    from app.demo import seed
    from app.extensions import db
    from tests.conftest import own_database, release_database
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=own_database(database_template, tmp_path, "csrf"), WTF_CSRF_ENABLED=True,
                     RATELIMIT_ENABLED=False, TWO_FACTOR_REQUIRED=False, MAIL_LOG_PATH=str(tmp_path / "mail.log"),
                     UPLOAD_FOLDER=str(tmp_path / "files"))
    with app.app_context():
        seed()
    # No app context is held while the clients make requests: each request gets its own `g` (and user).
    yield app
    with app.app_context():
        release_database(db)


def _token(client, path: str = "/konto/log-ind") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _login(app, email: str):
    client = app.test_client()
    resp = client.post("/konto/log-ind", data={"email": email, "password": "demo-adgangskode",
                                               "csrf_token": _token(client)})
    assert resp.status_code == 302, f"log-in as {email} failed"
    return client


def _row_counts(app) -> dict[str, int]:
    from app.extensions import db
    with app.app_context(), db.engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in db.metadata.sorted_tables}


def _sample_value(converter) -> object:
    if hasattr(converter, "items"):  # any(a, b): the first allowed word
        return sorted(converter.items)[0]
    return 1 if isinstance(converter, (IntegerConverter, FloatConverter)) else "x"


def _sample_url(rule) -> str:
    """The rule's URL with id 1 (the demo data has those) and 'x' for text."""
    return rule.build({arg: _sample_value(conv) for arg, conv in rule._converters.items()})[1]


def write_rules(app) -> list:
    """Every rule that accepts a state-changing method."""
    return sorted((r for r in app.url_map.iter_rules() if r.methods & WRITE_METHODS), key=lambda r: r.rule)


def test_every_state_changing_route_refuses_a_request_without_a_token(csrf_app):
    rules = write_rules(csrf_app)
    assert len(rules) > 50  # the map really was read
    clients = {"member": _login(csrf_app, "forening@demo.dk"), "admin": _login(csrf_app, "admin@demo.dk"),
               "caseworker": _login(csrf_app, "sagsbehandler@demo.dk")}
    before = _row_counts(csrf_app)
    refused = []
    for rule in rules:
        if rule.endpoint in EXEMPT or rule.endpoint.partition(".")[0] in EXEMPT:  # a view, or its whole blueprint
            continue
        url = _sample_url(rule)
        who = ("member",) if url.startswith(MEMBER_PREFIXES) else ("admin", "caseworker")
        for name in who:
            for method in sorted(rule.methods & WRITE_METHODS):
                for data in ({"x": "1"}, {"csrf_token": "forfalsket"}):
                    resp = clients[name].open(url, method=method, data=data)
                    assert resp.status_code == 400, f"{method} {url} as {name}: {resp.status_code}"
                    assert CSRF_MESSAGE in resp.get_data(as_text=True), f"{method} {url}: not refused for CSRF"
        refused.append(rule.endpoint)
    assert _row_counts(csrf_app) == before, "a refused request wrote a row"
    assert "auth.logout" in refused and "portal.case_action" in refused


def test_the_same_request_with_a_valid_token_gets_through(csrf_app):
    """The control: the refusals above come from the missing token, not from the route."""
    client = _login(csrf_app, "forening@demo.dk")
    token = _token(client, "/forening/")
    resp = client.post("/konto/log-ud", data={"csrf_token": token})
    assert resp.status_code == 302 and resp.location.endswith("/")
    assert client.get("/forening/").status_code == 302  # logged out for real


def test_no_route_is_exempt_without_a_reason(csrf_app):
    csrf = csrf_app.extensions["csrf"]
    views = {f"{view.__module__}.{view.__name__}": endpoint for endpoint, view in csrf_app.view_functions.items()}
    exempt = {views[name] for name in csrf._exempt_views} | {bp.name for bp in csrf._exempt_blueprints}
    assert exempt == set(EXEMPT)
    assert csrf_app.config["WTF_CSRF_ENABLED"] is True
    assert TestingConfig.WTF_CSRF_ENABLED is False  # the other tests post without tokens

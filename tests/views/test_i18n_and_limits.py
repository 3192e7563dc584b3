"""The language switch, error pages in the frame, and the log-in rate limit."""
import pytest

from app.extensions import db
from tests.factories import PASSWORD


def test_danish_by_default(client):
    body = client.get("/").get_data(as_text=True)
    assert '<html lang="da"' in body and "Log ind" in body and "Tilgængelighedserklæring" in body


def test_switch_to_english_and_back_is_remembered(client):
    resp = client.post("/sprog", data={"lang": "en", "next": "/puljer"})
    assert resp.status_code == 302 and resp.location == "/puljer"
    body = client.get("/").get_data(as_text=True)
    assert '<html lang="en"' in body and "Log in" in body and "Accessibility statement" in body
    client.post("/sprog", data={"lang": "da", "next": "/"})
    assert '<html lang="da"' in client.get("/").get_data(as_text=True)


def test_language_choice_saved_on_user(client, auth, factory):
    user = factory.user(email="m@example.dk")
    db.session.commit()
    auth.login("m@example.dk")
    client.post("/sprog", data={"lang": "en", "next": "/forening/"})
    db.session.refresh(user)
    assert user.locale == "en"


def test_unknown_language_is_400_not_500(client):
    assert client.post("/sprog", data={"lang": "xx"}).status_code == 400


def test_language_switch_refuses_open_redirect(client):
    resp = client.post("/sprog", data={"lang": "en", "next": "https://evil.example"})
    assert resp.location == "/"


def test_404_in_frame(client):
    resp = client.get("/findes-ikke")
    assert resp.status_code == 404
    assert "Siden findes ikke" in resp.get_data(as_text=True)


def test_403_for_member_on_admin(client, auth, factory):
    factory.user(email="m@example.dk")
    db.session.commit()
    auth.login("m@example.dk")
    resp = client.get("/admin/")
    assert resp.status_code == 403 and "Du har ikke adgang" in resp.get_data(as_text=True)


def test_login_is_rate_limited(client, factory):
    factory.user(email="m@example.dk")
    db.session.commit()
    codes = [client.post("/konto/log-ind", data={"email": "m@example.dk", "password": "forkert-123"}).status_code
             for _ in range(6)]
    assert codes[:5] == [200] * 5
    assert codes[5] == 429
    resp = client.post("/konto/log-ind", data={"email": "m@example.dk", "password": PASSWORD})
    assert resp.status_code == 429 and "For mange forsøg" in resp.get_data(as_text=True)


def test_csrf_enforced_when_enabled(app, client, factory):
    app.config["WTF_CSRF_ENABLED"] = True
    resp = client.post("/konto/log-ind", data={"email": "m@example.dk", "password": "x"})
    assert resp.status_code == 400
    assert "Formularen var for gammel" in resp.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/puljer", "/tilgaengelighed", "/konto/log-ind", "/konto/opret",
                                  "/konto/glemt-adgangskode"])
def test_public_pages_render(client, path):
    resp = client.get(path)
    assert resp.status_code == 200
    assert 'href="/tilgaengelighed"' in resp.get_data(as_text=True)

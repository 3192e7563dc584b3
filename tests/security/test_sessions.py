"""Session time-outs through real requests: idle log-out, activity refresh, absolute lifetime, cookie flags."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock, create_app
from app.extensions import db
from app.security import LOGIN_AT, SEEN_AT
from config import ProductionConfig, TestingConfig, settings_from_env


@pytest.fixture
def member(factory):
    user = factory.user(email="karen@example.dk", name="Karen Holm")
    db.session.commit()
    return user


def _age(client, key: str, seconds: int) -> None:
    with client.session_transaction() as session:
        session[key] = int(clock.timestamp()) - seconds


def _logged_in(client, member) -> None:
    resp = client.post("/konto/log-ind", data={"email": member.email, "password": "demo-adgangskode"})
    assert resp.status_code == 302
    assert client.get("/forening/").status_code == 200


def test_idle_user_is_logged_out_and_sent_to_log_in_with_danish_message(client, member):
    _logged_in(client, member)
    _age(client, SEEN_AT, 31 * 60)
    resp = client.get("/forening/")
    assert resp.status_code == 302 and resp.location.endswith("/konto/log-ind?next=/forening/")
    page = client.get(resp.location).get_data(as_text=True)
    assert "Du er blevet logget ud, fordi du ikke har brugt siden i 30 minutter" in page
    again = client.get("/forening/")
    assert again.status_code == 302 and "/konto/log-ind" in again.location  # the log-in is really gone


def test_activity_keeps_the_session_alive(client, member):
    _logged_in(client, member)
    _age(client, SEEN_AT, 29 * 60)
    assert client.get("/forening/").status_code == 200
    with client.session_transaction() as session:
        assert int(clock.timestamp()) - session[SEEN_AT] < 5  # the request counted as activity
    _age(client, SEEN_AT, 29 * 60)  # 29 more minutes: 58 since log-in, but never 30 idle
    assert client.get("/forening/").status_code == 200


def test_a_post_after_the_idle_time_is_not_carried_out(client, member):
    _logged_in(client, member)
    _age(client, SEEN_AT, 31 * 60)
    resp = client.post("/forening/ny", data={"kind": "informal", "name": "Naboerne"})
    assert resp.status_code == 302 and resp.location.endswith("/konto/log-ind")
    from app.models import Association
    assert db.session.scalar(db.select(db.func.count()).select_from(Association)) == 0


def test_absolute_lifetime_ends_even_an_active_session(client, member):
    _logged_in(client, member)
    _age(client, LOGIN_AT, 8 * 3600 + 60)
    resp = client.get("/forening/")
    assert resp.status_code == 302 and "/konto/log-ind" in resp.location
    assert "Du har været logget ind i mere end 8 timer" in client.get(resp.location).get_data(as_text=True)


def test_idle_and_lifetime_come_from_the_environment():
    settings = settings_from_env({"SESSION_LIFETIME_HOURS": "2", "SESSION_IDLE_MINUTES": "10"})
    assert settings["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=2) and settings["SESSION_IDLE_MINUTES"] == 10


def test_configured_idle_minutes_are_used(app, member):
    app.config["SESSION_IDLE_MINUTES"] = 10
    client = app.test_client()
    _logged_in(client, member)
    _age(client, SEEN_AT, 11 * 60)
    resp = client.get("/forening/")
    assert resp.status_code == 302
    assert "10 minutter" in client.get(resp.location).get_data(as_text=True)


def test_session_cookie_is_permanent_secure_http_only_and_same_site(app, member):
    app.config.update(SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    resp = client.post("/konto/log-ind", data={"email": member.email, "password": "demo-adgangskode"})
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # permanent: it ends with the lifetime, not whenever the browser closes


def test_production_cookies_are_secure():
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "REMEMBER_COOKIE_HTTPONLY"):
        assert getattr(ProductionConfig, key) is True, key
    assert ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax" and ProductionConfig.REMEMBER_COOKIE_SAMESITE == "Lax"
    assert TestingConfig.SESSION_IDLE_MINUTES == 30


def test_old_session_without_stamps_is_stamped_not_logged_out(client, member):
    _logged_in(client, member)
    with client.session_transaction() as session:
        session.pop(SEEN_AT)
        session.pop(LOGIN_AT)
    assert client.get("/forening/").status_code == 200
    with client.session_transaction() as session:
        assert SEEN_AT in session and LOGIN_AT in session


def test_create_app_reads_the_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("SESSION_LIFETIME_HOURS", "4")
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert app.config["SESSION_IDLE_MINUTES"] == 15
    assert app.permanent_session_lifetime == timedelta(hours=4)

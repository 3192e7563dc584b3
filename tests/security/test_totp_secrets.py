"""TOTP secrets at rest (issue 18): encrypted in the database, readable with any configured key, rotatable,
and the migration encrypts secrets stored before it."""
from __future__ import annotations

import pyotp
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from app import clock, configure_secret_box, secret_box
from app.extensions import db
from app.models import User

CASEWORKER = "mette@kommune.dk"


def _stored(user_id: int) -> str:
    """The column as the database holds it."""
    return db.session.execute(sa.text("SELECT totp_secret FROM users WHERE id = :id"), {"id": user_id}).scalar_one()


def _use_keys(app, *keys: str) -> None:
    app.config["TOTP_ENCRYPTION_KEYS"] = keys
    configure_secret_box(app)
    db.session.expire_all()


@pytest.fixture
def enrolled(factory):
    secret = pyotp.random_base32()
    user = factory.user(role="caseworker", email=CASEWORKER, totp_secret=secret, totp_enabled_at=clock.now())
    db.session.commit()
    return user.id, secret


def test_the_database_holds_no_plain_secret(enrolled):
    user_id, secret = enrolled
    stored = _stored(user_id)
    assert secret not in stored and stored.startswith(secret_box.FERNET_PREFIX)
    db.session.expire_all()
    assert db.session.get(User, user_id).totp_secret == secret


def test_a_secret_made_by_enrolment_is_stored_encrypted(client, factory):
    from tests import two_factor_steps
    factory.user(role="caseworker", email=CASEWORKER)
    db.session.commit()
    client.post("/konto/log-ind", data={"email": CASEWORKER, "password": "demo-adgangskode"})
    client.post(two_factor_steps.enrolment_link(CASEWORKER))
    shown = two_factor_steps.shown_secret(client)
    user_id = db.session.scalar(sa.select(User.id).where(User.email == CASEWORKER))
    assert shown not in _stored(user_id) and _stored(user_id).startswith(secret_box.FERNET_PREFIX)


def test_rotation_re_encrypts_with_the_new_key_and_logs_in_after(app, runner, auth, client, enrolled):
    user_id, secret = enrolled
    old = app.config.get("TOTP_ENCRYPTION_KEYS") or (secret_box.derived_key(app.config["SECRET_KEY"]),)
    new = Fernet.generate_key().decode()
    _use_keys(app, new, *old)
    result = runner.invoke(args=["rotate-totp-key"])
    assert result.exit_code == 0, result.output
    assert "1 TOTP-nøgler krypteret igen" in result.output
    assert Fernet(new).decrypt(_stored(user_id).encode()).decode() == secret
    _use_keys(app, new)  # the old key can go now
    assert db.session.get(User, user_id).totp_secret == secret
    resp = auth.login(CASEWORKER)
    assert resp.status_code == 302 and client.get("/sagsbehandling/").status_code == 200


def test_rotation_with_the_old_key_missing_changes_nothing(app, runner, enrolled):
    user_id, _ = enrolled
    before = _stored(user_id)
    _use_keys(app, Fernet.generate_key().decode())
    result = runner.invoke(args=["rotate-totp-key"])
    assert result.exit_code == 1 and "cannot be decrypted" in result.output
    assert _stored(user_id) == before


def test_the_migration_encrypts_secrets_stored_in_plain_text_and_back(tmp_path, monkeypatch):
    from flask_migrate import downgrade, upgrade
    from app import create_app
    from config import TestingConfig
    monkeypatch.delenv("TOTP_ENCRYPTION_KEYS", raising=False)
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.sqlite'}")
    secret = pyotp.random_base32()
    with app.app_context():
        upgrade(revision="0260")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO users (email, password_hash, full_name, role, is_active, "
                                 "password_changed_at, created_at, totp_secret) VALUES ('a@kommune.dk', 'x', 'A', "
                                 "'caseworker', 1, '2030-01-01', '2030-01-01', :s)"), {"s": secret})
        upgrade(revision="0270")
        stored = db.session.execute(sa.text("SELECT totp_secret, session_version FROM users")).one()
        assert stored[0].startswith(secret_box.FERNET_PREFIX) and stored[1] == 0
        assert secret_box.decrypt(app.extensions[secret_box.EXTENSION], stored[0]) == secret
        db.session.remove()
        downgrade(revision="0260")
        assert db.session.execute(sa.text("SELECT totp_secret FROM users")).scalar_one() == secret
        db.session.remove()
        db.engine.dispose()


def test_staff_created_without_a_password_get_an_unusable_random_one(factory, app):
    """Not a token anyone could compute from the address and the time (as before)."""
    from app.services.accounts import accounts
    from app.services.accounts.passwords import verify_password
    from app.services.accounts.tokens import make_token
    from app.services.admin import users
    from datetime import datetime
    clock.freeze(datetime(2031, 3, 3, 10, 0))
    admin = factory.user(role="administrator", email="anne@kommune.dk")
    db.session.commit()
    for user in (accounts.create_staff("bo@kommune.dk", "Bo Berg", "caseworker"),
                 users.create_staff(admin, "eva@kommune.dk", "Eva Eng", "caseworker")):
        guess = make_token("unusable", {"e": user.email})
        assert not verify_password(user.password_hash, guess)
        assert not verify_password(user.password_hash, "")

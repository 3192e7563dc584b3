"""Sign-up, log-in, confirmation and password reset through the real views."""
import re
import time

import pytest

from app import clock
from app.extensions import db
from app.models import OutboxMessage, User
from tests.factories import PASSWORD

GOOD = "en-god-adgangskode-42"


def _signup(client, **kw):
    data = {"full_name": "Karen Holm", "email": "karen@example.dk", "password": GOOD, "password_again": GOOD}
    data.update(kw)
    return client.post("/konto/opret", data=data)


def _last_link(template: str) -> str:
    msg = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.template == template)
                             .order_by(OutboxMessage.id.desc())).first()
    assert msg is not None, f"no {template} notice in the outbox"
    return msg.payload["link"]


def test_signup_creates_member_and_confirmation_notice(client, app):
    resp = _signup(client)
    # Not logged in until the link proves the address (a taken address gets the same answer).
    assert resp.status_code == 302 and resp.location.endswith("/konto/log-ind")
    assert "Vi har sendt en e-mail til karen@example.dk" in client.get(resp.location).get_data(as_text=True)
    assert client.get("/forening/").status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "karen@example.dk"))
    assert user.role == "member" and user.email_confirmed_at is None
    assert user.password_hash.startswith("$argon2id$")
    msg = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.template == "confirm_email"))
    assert msg.status == "delivered", msg.last_error  # in-process delivery to the mail log
    from app.services.delivery.mail import read_log
    [mail] = read_log(app.config["MAIL_LOG_PATH"])
    assert mail["To"] == "karen@example.dk" and "Bekræft din e-mailadresse" in mail["Subject"]
    assert msg.payload["link"] in mail.get_content()


def test_confirmation_link_confirms_and_logs_in_once(client, auth):
    _signup(client)
    link = _last_link("confirm_email")
    path = re.sub(r"^https?://[^/]+", "", link)
    resp = client.get(path, follow_redirects=True)
    assert "Din e-mailadresse er bekræftet" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(User.email_confirmed_at)) is not None
    assert client.get("/forening/").status_code == 200
    auth.logout()
    assert client.get(path).location.endswith("/konto/log-ind")  # used: it no longer logs in
    assert client.get("/forening/").status_code == 302
    assert auth.login("karen@example.dk", GOOD).location.endswith("/forening/")


def test_an_unconfirmed_address_does_not_log_in_and_gets_a_new_link(client):
    _signup(client)
    resp = client.post("/konto/log-ind", data={"email": "karen@example.dk", "password": GOOD})
    assert resp.status_code == 200 and "E-mail eller adgangskode er forkert" in resp.get_data(as_text=True)
    assert client.get("/forening/").status_code == 302
    sent = db.session.scalars(db.select(OutboxMessage.template).where(OutboxMessage.recipient == "karen@example.dk"))
    assert list(sent) == ["confirm_email", "confirm_email"]


def test_tampered_confirmation_link(client):
    resp = client.get("/konto/bekraeft/not-a-token", follow_redirects=True)
    assert "Linket er ugyldigt" in resp.get_data(as_text=True)


@pytest.mark.parametrize("field, value, message", [
    ("email", "ikke-en-adresse", "Skriv en gyldig e-mailadresse"),
    ("password", "kort", "mindst 12 tegn"),
    ("password_again", "noget-andet-helt", "ikke ens"),
    ("full_name", "", "Skriv dit navn"),
])
def test_signup_bad_input_danish_message_and_kept_input(client, field, value, message):
    resp = _signup(client, **{field: value})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert message in body
    assert 'id="error-summary"' in body
    if field != "email":
        assert 'value="karen@example.dk"' in body


def test_login_unknown_email(client, factory):
    resp = client.post("/konto/log-ind", data={"email": "ukendt@example.dk", "password": "whatever123"})
    body = resp.get_data(as_text=True)
    assert "E-mail eller adgangskode er forkert" in body
    assert 'value="ukendt@example.dk"' in body


def test_login_wrong_password(client, factory):
    factory.user(email="anna@example.dk")
    db.session.commit()
    resp = client.post("/konto/log-ind", data={"email": "anna@example.dk", "password": "forkert-forkert"})
    body = resp.get_data(as_text=True)
    assert "E-mail eller adgangskode er forkert" in body and 'value="anna@example.dk"' in body


@pytest.mark.parametrize("role, home", [
    ("member", "/forening/"), ("caseworker", "/sagsbehandling/"),
    ("committee_member", "/sagsbehandling/udvalg"), ("administrator", "/admin/"),
])
def test_login_lands_on_role_home(client, auth, factory, role, home):
    # Staff give a code from their authenticator app after the password (tests/auth/test_two_factor.py).
    factory.user(role=role, email=f"{role}@example.dk", totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
                 totp_enabled_at=None if role == "member" else clock.now())
    db.session.commit()
    resp = auth.login(f"{role}@example.dk", PASSWORD)
    assert resp.status_code == 302 and resp.location.endswith(home)
    assert client.get(home).status_code == 200


def test_disabled_account_cannot_log_in(client, factory):
    factory.user(email="off@example.dk", is_active=False)
    db.session.commit()
    resp = client.post("/konto/log-ind", data={"email": "off@example.dk", "password": PASSWORD})
    assert "Din bruger er spærret" in resp.get_data(as_text=True)


@pytest.mark.parametrize("target, expected", [
    ("/forening/", "/forening/"),
    ("https://evil.example/x", "/forening/"),
    ("//evil.example/x", "/forening/"),
    ("/\\evil.example", "/forening/"),
    ("javascript:alert(1)", "/forening/"),
])
def test_open_redirect_refused(client, factory, target, expected):
    factory.user(email="m@example.dk")
    db.session.commit()
    resp = client.post("/konto/log-ind", data={"email": "m@example.dk", "password": PASSWORD, "next": target})
    assert resp.status_code == 302
    assert resp.location == expected


def test_logout(client, auth, factory):
    factory.user(email="m@example.dk")
    db.session.commit()
    auth.login("m@example.dk")
    assert client.get("/forening/").status_code == 200
    auth.logout()
    assert client.get("/forening/").status_code == 302


def test_password_reset_round_trip_and_single_use(client, factory):
    factory.user(email="per@example.dk")
    db.session.commit()
    resp = client.post("/konto/glemt-adgangskode", data={"email": "per@example.dk"})
    assert resp.status_code == 302
    path = re.sub(r"^https?://[^/]+", "", _last_link("reset_password"))
    assert client.get(path).status_code == 200
    resp = client.post(path, data={"password": GOOD, "password_again": GOOD})
    assert resp.status_code == 302
    client.post("/konto/log-ud")
    assert client.post("/konto/log-ind", data={"email": "per@example.dk", "password": GOOD}).status_code == 302
    client.post("/konto/log-ud")
    again = client.get(path, follow_redirects=True)
    assert "udløbet eller allerede brugt" in again.get_data(as_text=True)


def test_reset_unknown_email(client):
    resp = client.post("/konto/glemt-adgangskode", data={"email": "ingen@example.dk"}, follow_redirects=True)
    assert "Hvis adressen findes, har vi sendt et link" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0


def test_expired_reset_link(client, app, factory):
    factory.user(email="old@example.dk")
    db.session.commit()
    client.post("/konto/glemt-adgangskode", data={"email": "old@example.dk"})
    path = re.sub(r"^https?://[^/]+", "", _last_link("reset_password"))
    app.config["RESET_TOKEN_MAX_AGE"] = 0
    time.sleep(1.1)
    resp = client.get(path, follow_redirects=True)
    assert "udløbet" in resp.get_data(as_text=True)


def test_staff_created_by_admin_gets_link(client, auth, factory):
    factory.user(role="administrator", email="admin@example.dk")
    db.session.commit()
    auth.login("admin@example.dk")
    resp = client.post("/admin/brugere", data={"full_name": "Mette Sørensen", "email": "mette@kommune.dk",
                                                "role": "caseworker"})
    assert resp.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "mette@kommune.dk"))
    assert user.role == "caseworker"
    assert _last_link("staff_welcome")


def test_create_admin_command(runner):
    result = runner.invoke(args=["create-admin", "--email", "Chef@Kommune.dk", "--name", "Chef",
                                 "--password", "lang-nok-adgangskode"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(User.role).where(User.email == "chef@kommune.dk")) == "administrator"


def test_signup_hint_states_the_real_length_rule(client, app):
    """The hint names the configured minimum: 11 characters are refused when it says 12, 12 are not refused for length."""
    n = app.config["PASSWORD_MIN_LENGTH"]
    page = client.get("/konto/opret").get_data(as_text=True)
    assert f"Mindst {n} tegn." in page and "Mindst 10 tegn" not in page
    short = "kajak-fjord-sol-vind"[: n - 1]
    refused = _signup(client, password=short, password_again=short).get_data(as_text=True)
    assert f"Adgangskoden skal have mindst {n} tegn." in refused
    ok = "kajak-fjord-sol-vind"[:n]
    assert "skal have mindst" not in _signup(client, password=ok, password_again=ok).get_data(as_text=True)


def test_create_admin_command_applies_the_password_policy(runner):
    result = runner.invoke(args=["create-admin", "--email", "chef@kommune.dk", "--name", "Chef",
                                 "--password", "kort"])
    assert result.exit_code != 0 and "mindst" in result.output
    assert db.session.scalar(db.select(User).where(User.email == "chef@kommune.dk")) is None

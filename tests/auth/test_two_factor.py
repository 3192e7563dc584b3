"""Two-factor log-in for staff: enrolment by e-mailed link, app codes, replay, recovery codes, expiry, next, admin reset."""
import hashlib
import re
from datetime import timedelta

import pyotp
import pytest

from app import clock
from app.extensions import db
from app.models import AdminEvent, RecoveryCode, User
from app.models.outbox import OutboxMessage
from app.services.delivery.mail import render_notice
from app.services.accounts import two_factor as tfa
from tests import two_factor_steps
from tests.factories import PASSWORD

CASEWORKER = "mette@kommune.dk"


def _password(client, email, next_url=None):
    data = {"email": email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/konto/log-ind", data=data)


def _code(secret, offset=0):
    """The app code `offset` steps from now."""
    return pyotp.TOTP(secret).at(clock.timestamp(), counter_offset=offset)


def _user(email):
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == email))


def _errors(resp):
    return " ".join(re.findall(r'class="form-error-message"[^>]*>(.*?)</span>\s*$', resp.get_data(as_text=True), re.M))


@pytest.fixture
def enrolled(factory):
    """A caseworker who has set up an app; returns (user id, secret, recovery codes)."""
    user = factory.user(role="caseworker", email=CASEWORKER, name="Mette Sørensen",
                        totp_secret=pyotp.random_base32(), totp_enabled_at=clock.now())
    db.session.commit()
    codes = tfa.regenerate_recovery_codes(user, tfa.current_code(user.totp_secret))
    user.totp_last_step = None  # the set-up code above is not one the tests' log-ins should collide with
    db.session.commit()
    return user.id, user.totp_secret, codes


def _open_link(client, email):
    """Open the enrolment link e-mailed to `email` and use it (the button on the page it opens)."""
    link = two_factor_steps.enrolment_link(email)
    assert "Fortsæt" in client.get(link).get_data(as_text=True)
    return client.post(link)


def test_password_alone_does_not_log_staff_in(client, factory):
    factory.user(role="caseworker", email=CASEWORKER)
    db.session.commit()
    resp = _password(client, CASEWORKER)
    assert resp.location == "/konto/to-faktor"
    assert client.get("/sagsbehandling/").status_code == 302
    assert client.get("/konto/to-faktor/opsaet").location == "/konto/to-faktor"


def test_password_alone_never_shows_a_secret_but_e_mails_a_link(client, factory):
    factory.user(role="caseworker", email=CASEWORKER, name="Mette Sørensen")
    db.session.commit()
    _password(client, CASEWORKER)
    page = client.get("/konto/to-faktor").get_data(as_text=True)
    # No key and no QR code (the page's icons are other svgs).
    assert "Vi har sendt et link til din e-mail" in page and "totp-secret" not in page and "app-qr" not in page
    setup = client.get("/konto/to-faktor/opsaet", follow_redirects=True).get_data(as_text=True)
    assert "totp-secret" not in setup and "Vi har sendt et link til din e-mail" in setup
    assert client.post("/konto/to-faktor/opsaet", data={"code": "123456"}).status_code == 302
    assert _user(CASEWORKER).totp_secret is None  # nothing was even made for the password-holder to see
    notice = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.template == "two_factor_enrol"))
    assert notice.recipient == CASEWORKER
    mail = render_notice(notice)
    assert mail["Subject"].startswith("Sæt to-faktor-log-ind op")
    assert notice.payload["link"] in mail.get_content() and "60 minutter og kun én gang" in mail.get_content()


def test_enrolment_link_works_once(client, factory):
    factory.user(role="caseworker", email=CASEWORKER)
    db.session.commit()
    _password(client, CASEWORKER)
    link = two_factor_steps.enrolment_link(CASEWORKER)
    assert client.post(link).location == "/konto/to-faktor/opsaet"
    other = client.application.test_client()  # whoever else holds the link (a forwarded mail)
    for method in (other.get, other.post):
        resp = method(link)
        assert resp.status_code == 302 and resp.location == "/konto/log-ind"
    assert "udløbet eller allerede brugt" in other.get("/konto/log-ind").get_data(as_text=True)
    assert other.get("/konto/to-faktor/opsaet").location.startswith("/konto/log-ind")


def test_enrolment_link_expires(client, factory):
    factory.user(role="caseworker", email=CASEWORKER)
    db.session.commit()
    _password(client, CASEWORKER)
    link = two_factor_steps.enrolment_link(CASEWORKER)
    clock.move_to(clock.now() + timedelta(minutes=61))
    assert client.post(link).location == "/konto/log-ind"
    assert _user(CASEWORKER).totp_secret is None
    assert client.get("/konto/to-faktor/opsaet").location.startswith("/konto/log-ind")


def test_a_tampered_link_is_refused_without_an_error(client, factory):
    factory.user(role="caseworker", email=CASEWORKER)
    db.session.commit()
    _password(client, CASEWORKER)
    link = two_factor_steps.enrolment_link(CASEWORKER)
    resp = client.post(link[:-3] + "abc")
    assert resp.status_code == 302 and resp.location == "/konto/log-ind"
    assert "Linket er ugyldigt" in client.get("/konto/log-ind").get_data(as_text=True)


def test_enrolment_opened_by_the_link_expires(client, factory):
    factory.user(role="caseworker", email=CASEWORKER)
    db.session.commit()
    _password(client, CASEWORKER)
    _open_link(client, CASEWORKER)
    clock.move_to(clock.now() + timedelta(minutes=16))
    assert client.get("/konto/to-faktor/opsaet").location.startswith("/konto/log-ind")


def test_enrolment_shows_qr_and_key_then_recovery_codes_once(client, factory):
    factory.user(role="caseworker", email=CASEWORKER)
    db.session.commit()
    _password(client, CASEWORKER)
    assert _open_link(client, CASEWORKER).location == "/konto/to-faktor/opsaet"
    page = client.get("/konto/to-faktor/opsaet")
    body = page.get_data(as_text=True)
    secret = _user(CASEWORKER).totp_secret
    assert page.headers["Cache-Control"] == "private, no-store"
    assert '<svg role="img" aria-label="QR-kode' in body and not re.search(r"<script(?![^>]*\bsrc=)|style=", body)
    shown = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', body).group(1)
    assert shown.replace(" ", "") == secret
    assert client.get("/konto/to-faktor/opsaet").status_code == 200
    assert _user(CASEWORKER).totp_secret != secret  # each showing makes a new key: one glimpsed earlier dies
    secret = _user(CASEWORKER).totp_secret

    wrong = client.post("/konto/to-faktor/opsaet", data={"code": "000000" if _code(secret) != "000000" else "111111"})
    assert "Koden passer ikke" in _errors(wrong) and not _user(CASEWORKER).two_factor_enabled

    done = client.post("/konto/to-faktor/opsaet", data={"code": _code(secret)})
    codes = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", done.get_data(as_text=True))
    assert done.status_code == 200 and len(set(codes)) == 10
    assert done.headers["Cache-Control"] == "private, no-store"
    user = _user(CASEWORKER)
    assert user.two_factor_enabled and user.totp_last_step is not None
    stored = set(db.session.scalars(db.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert stored == {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    notice = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.template == "two_factor_enabled"))
    assert notice.recipient == CASEWORKER  # the owner hears of it, so an enrolment with a stolen password shows
    mail = render_notice(notice)
    assert mail["Subject"].startswith("To-faktor-log-ind er slået til på din bruger")
    assert "Var det ikke dig, så kontakt kommunen" in mail.get_content()
    assert 'href="/sagsbehandling/"' in done.get_data(as_text=True)  # "I have saved them – continue"
    assert client.get("/sagsbehandling/").status_code == 200
    assert client.get("/konto/to-faktor/opsaet").location == "/konto/sikkerhed"


def test_log_in_with_app_code(client, enrolled):
    _, secret, _ = enrolled
    assert _password(client, CASEWORKER).location == "/konto/to-faktor"
    page = client.get("/konto/to-faktor").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page
    resp = client.post("/konto/to-faktor", data={"code": " ".join([_code(secret)[:3], _code(secret)[3:]])})
    assert resp.status_code == 302 and resp.location == "/sagsbehandling/"
    assert client.get("/sagsbehandling/").status_code == 200


def test_wrong_code_is_refused_next_to_the_field(client, enrolled):
    _, secret, _ = enrolled
    _password(client, CASEWORKER)
    bad = next(c for c in ("123456", "654321") if c not in {_code(secret, o) for o in (-1, 0, 1)})
    resp = client.post("/konto/to-faktor", data={"code": bad})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Koden er forkert" in _errors(resp)
    assert 'aria-invalid="true"' in body and f'value="{bad}"' in body
    assert client.get("/sagsbehandling/").status_code == 302


def test_a_used_code_and_an_older_one_are_refused(client, auth, enrolled):
    _, secret, _ = enrolled
    _password(client, CASEWORKER)
    code = _code(secret)
    assert client.post("/konto/to-faktor", data={"code": code}).status_code == 302
    auth.logout()
    _password(client, CASEWORKER)
    resp = client.post("/konto/to-faktor", data={"code": code})
    assert "allerede brugt" in _errors(resp)
    resp = client.post("/konto/to-faktor", data={"code": _code(secret, -1)})
    assert resp.status_code == 200 and client.get("/sagsbehandling/").status_code == 302


def test_recovery_code_works_once(client, auth, enrolled):
    user_id, _, codes = enrolled
    _password(client, CASEWORKER)
    typed = codes[0].upper().replace("-", " ")  # read from paper: case and separators do not matter
    resp = client.post("/konto/to-faktor", data={"code": typed}, follow_redirects=True)
    assert "Du har brugt en gendannelseskode; du har 9 tilbage" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(RecoveryCode.used_at).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_not(None))) is not None
    auth.logout()
    _password(client, CASEWORKER)
    resp = client.post("/konto/to-faktor", data={"code": codes[0]})
    assert "Koden er forkert" in _errors(resp)
    assert client.get("/sagsbehandling/").status_code == 302


def test_pending_log_in_expires(client, enrolled):
    _, secret, _ = enrolled
    _password(client, CASEWORKER, next_url="/puljer")
    with client.session_transaction() as sess:
        sess["two_factor_pending"]["at"] -= 301
        sess.modified = True
    resp = client.post("/konto/to-faktor", data={"code": _code(secret)})
    assert resp.status_code == 302 and resp.location == "/konto/log-ind?next=/puljer"
    assert client.get("/sagsbehandling/").status_code == 302
    assert client.get("/konto/to-faktor").location.startswith("/konto/log-ind")


def test_disabled_while_pending_cannot_finish(client, enrolled):
    user_id, secret, _ = enrolled
    _password(client, CASEWORKER)
    db.session.get(User, user_id).is_active = False
    db.session.commit()
    assert client.post("/konto/to-faktor", data={"code": _code(secret)}).location.startswith("/konto/log-ind")


@pytest.mark.parametrize("target, expected", [("/puljer?side=2", "/puljer?side=2"),
                                              ("https://evil.example/x", "/sagsbehandling/"),
                                              ("//evil.example", "/sagsbehandling/")])
def test_next_survives_the_code_step_and_stays_local(client, enrolled, target, expected):
    _, secret, _ = enrolled
    _password(client, CASEWORKER, next_url=target)
    assert client.post("/konto/to-faktor", data={"code": _code(secret)}).location == expected


def test_next_survives_enrolment(client, factory):
    factory.user(role="administrator", email="anne@kommune.dk")
    db.session.commit()
    _password(client, "anne@kommune.dk", next_url="/admin/journal")
    _open_link(client, "anne@kommune.dk")
    client.get("/konto/to-faktor/opsaet")
    resp = client.post("/konto/to-faktor/opsaet", data={"code": _code(_user("anne@kommune.dk").totp_secret)})
    assert 'href="/admin/journal"' in resp.get_data(as_text=True)


def test_rate_limited_like_log_in(client, enrolled):
    _password(client, CASEWORKER)
    codes = [client.post("/konto/to-faktor", data={"code": "abc"}).status_code for _ in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429


def test_password_reset_link_does_not_skip_two_factor(client, enrolled, app):
    from app.services.accounts import accounts
    from app.services.accounts.tokens import make_token
    user = db.session.get(User, enrolled[0])
    token = make_token("reset", {"uid": user.id, "fp": accounts.password_fingerprint(user)})
    resp = client.post(f"/konto/ny-adgangskode/{token}", data={"password": "en-god-adgangskode-42",
                                                               "password_again": "en-god-adgangskode-42"})
    assert resp.location == "/konto/to-faktor"
    assert client.get("/sagsbehandling/").status_code == 302


def test_admin_reset_is_journalled_and_forces_enrolment(client, auth, factory, enrolled):
    user_id, _, _ = enrolled
    admin = factory.user(role="administrator", email="anne@kommune.dk")
    db.session.commit()
    auth.login("anne@kommune.dk")
    page = client.get("/admin/brugere").get_data(as_text=True)
    assert f"/admin/brugere/{user_id}/to-faktor" in page and f"/admin/brugere/{admin.id}/to-faktor" in page
    resp = client.post(f"/admin/brugere/{user_id}/to-faktor", follow_redirects=True)
    assert "To-faktor-log-ind for Mette Sørensen er nulstillet" in resp.get_data(as_text=True)
    user = _user(CASEWORKER)
    assert (user.totp_secret, user.totp_enabled_at, user.totp_last_step) == (None, None, None)
    assert db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user_id)) == 0
    event = db.session.scalar(db.select(AdminEvent).where(AdminEvent.action == "reset_two_factor"))
    assert (event.actor_id, event.entity_id, event.before["unused_recovery_codes"]) == (admin.id, user_id, 10)
    again = client.post(f"/admin/brugere/{user_id}/to-faktor", follow_redirects=True)
    assert "har ikke slået to-faktor-log-ind til" in again.get_data(as_text=True)
    auth.logout()
    assert _password(client, CASEWORKER).location == "/konto/to-faktor"
    assert "Vi har sendt et link" in client.get("/konto/to-faktor").get_data(as_text=True)


def test_cli_reset_for_a_locked_out_administrator(runner, factory):
    user = factory.user(role="administrator", email="anne@kommune.dk", totp_secret=pyotp.random_base32(),
                        totp_enabled_at=clock.now())
    db.session.commit()
    result = runner.invoke(args=["reset-2fa", "Anne@Kommune.dk"])
    assert result.exit_code == 0, result.output
    assert _user("anne@kommune.dk").totp_secret is None
    event = db.session.scalar(db.select(AdminEvent).where(AdminEvent.action == "reset_two_factor"))
    assert (event.actor_id, event.entity_id) == (None, user.id)
    assert runner.invoke(args=["reset-2fa", "ingen@kommune.dk"]).exit_code == 1


def test_staff_can_make_new_recovery_codes(client, auth, enrolled):
    _, _, old = enrolled
    auth.login(CASEWORKER)
    page = client.get("/konto/sikkerhed").get_data(as_text=True)
    assert "Du har 10 ubrugte gendannelseskoder" in page and "Slå fra" not in page
    refused = client.post("/konto/sikkerhed/gendannelseskoder", data={"nye-code": "123456"})
    assert "Koden er forkert" in _errors(refused) and tfa.unused_recovery_codes(_user(CASEWORKER)) == 10
    resp = client.post("/konto/sikkerhed/gendannelseskoder", data={"nye-code": old[0]})
    new = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", resp.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    auth.logout()
    _password(client, CASEWORKER)
    assert "Koden er forkert" in _errors(client.post("/konto/to-faktor", data={"code": old[1]}))
    assert "Koden er forkert" in _errors(client.post("/konto/to-faktor", data={"code": "²²²²²²"}))
    assert client.post("/konto/to-faktor", data={"code": new[1]}).status_code == 302


def test_member_logs_in_with_password_only_and_may_opt_in(client, auth, factory):
    factory.user(role="member", email="karen@example.dk")
    db.session.commit()
    assert _password(client, "karen@example.dk").location == "/forening/"
    assert "Slå to-faktor-log-ind til" in client.get("/konto/sikkerhed").get_data(as_text=True)
    client.get("/konto/to-faktor/opsaet")
    secret = _user("karen@example.dk").totp_secret
    resp = client.post("/konto/to-faktor/opsaet", data={"code": _code(secret)})
    assert 'href="/konto/sikkerhed"' in resp.get_data(as_text=True)
    auth.logout()
    assert _password(client, "karen@example.dk").location == "/konto/to-faktor"
    assert client.post("/konto/to-faktor", data={"code": two_factor_steps.fresh_code("karen@example.dk")}) \
        .location == "/forening/"
    resp = client.post("/konto/sikkerhed/slaa-fra", data={"code": two_factor_steps.fresh_code("karen@example.dk")})
    assert resp.location == "/konto/sikkerhed" and not _user("karen@example.dk").two_factor_enabled


def test_staff_cannot_switch_it_off(client, auth, enrolled):
    auth.login(CASEWORKER)
    client.post("/konto/sikkerhed/slaa-fra", data={"code": two_factor_steps.fresh_code(CASEWORKER)})
    assert _user(CASEWORKER).two_factor_enabled


def test_security_page_needs_log_in(client):
    assert client.get("/konto/sikkerhed").location.startswith("/konto/log-ind")
    assert client.post("/konto/sikkerhed/gendannelseskoder").location.startswith("/konto/log-ind")


def test_not_required_when_switched_off_in_config(client, app, factory):
    app.config["TWO_FACTOR_REQUIRED"] = ("administrator",)
    factory.user(role="caseworker", email=CASEWORKER)
    factory.user(role="administrator", email="anne@kommune.dk")
    db.session.commit()
    assert _password(client, CASEWORKER).location == "/sagsbehandling/"
    client.post("/konto/log-ud")
    assert _password(client, "anne@kommune.dk").location == "/konto/to-faktor"
    assert two_factor_steps.enrolment_link("anne@kommune.dk")


def test_a_session_without_the_second_factor_is_ended(client, auth, factory):
    """A member made caseworker while logged in must pass two-factor before going on."""
    factory.user(role="member", email="bo@forening.example")
    db.session.commit()
    auth.login("bo@forening.example")
    assert client.get("/konto/sikkerhed").status_code == 200
    user = _user("bo@forening.example")
    user.role = "caseworker"
    db.session.commit()
    resp = client.get("/konto/sikkerhed")
    assert resp.status_code == 302 and resp.location.startswith("/konto/log-ind")
    assert client.get("/sagsbehandling/").location.startswith("/konto/log-ind")


def test_an_administrator_reset_ends_the_users_open_session(client, auth, enrolled):
    user_id, _, _ = enrolled
    auth.login(CASEWORKER)
    assert client.get("/sagsbehandling/").status_code == 200
    tfa.reset(user_id, None)
    resp = client.get("/sagsbehandling/")
    assert resp.status_code == 302 and resp.location.startswith("/konto/log-ind")

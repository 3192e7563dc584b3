"""Issue 18, items 5 and 6 at the HTTP level: rate limits per client and per account behind a proxy, and
log-in, password reset and sign-up that do not tell a visitor which addresses have a user."""
from __future__ import annotations

import re
import statistics
import time

import pytest

from app import clock, create_app
from app.extensions import db, limiter
from app.models import OutboxMessage, User
from config import TestingConfig, settings_from_env
from tests.conftest import own_database, release_database
from tests.factories import PASSWORD

GOOD = "en-god-adgangskode-42"
PROXY = "10.0.0.1"
LOGIN = "/konto/log-ind"


def _post_login(client, email: str, password: str = "forkert-forkert", ip: str = "192.0.2.1", **headers):
    return client.post(LOGIN, data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip}, headers=headers)


def _known(factory, email: str, role: str = "member") -> User:
    user = factory.user(email=email, role=role, totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
                        totp_enabled_at=None if role == "member" else clock.now())
    db.session.commit()
    return user


def _outbox(template: str) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(OutboxMessage.recipient).where(OutboxMessage.template == template)
                                   .order_by(OutboxMessage.id)))


# --- item 5: ProxyFix and limits ---------------------------------------------------------------------

@pytest.fixture
def proxied_app(database_template, tmp_path):
    """The app behind one trusted proxy (TRUSTED_PROXIES=1), as the municipality runs it."""
    app = create_app(TestingConfig, TRUSTED_PROXIES=1, MAIL_LOG_PATH=str(tmp_path / "mail.log"),
                     UPLOAD_FOLDER=str(tmp_path / "files"),
                     SQLALCHEMY_DATABASE_URI=own_database(database_template, tmp_path, "proxied"))
    with app.app_context():
        yield app
        release_database(db)


def test_behind_the_proxy_one_client_s_junk_does_not_lock_out_the_others(proxied_app):
    from tests import factories
    factories.user(email="anna@example.dk")
    db.session.commit()
    client = proxied_app.test_client()
    # The proxy connects from one address; each client's own address is the last X-Forwarded-For entry,
    # and what a client writes in front of it (spoofed entries) changes nothing.
    junk = [_post_login(client, f"junk{n}@example.dk", ip=PROXY,
                        **{"X-Forwarded-For": f"198.51.100.{n}, 203.0.113.66"}).status_code for n in range(7)]
    assert junk == [200] * 5 + [429] * 2
    resp = _post_login(client, "anna@example.dk", PASSWORD, ip=PROXY, **{"X-Forwarded-For": "203.0.113.7"})
    assert resp.status_code == 302 and resp.location.endswith("/forening/")


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, factory):
    """Otherwise any client could pick a fresh address for every guess."""
    codes = [_post_login(client, f"junk{n}@example.dk", ip=PROXY, **{"X-Forwarded-For": f"203.0.113.{n}"}).status_code
             for n in range(6)]
    assert codes == [200] * 5 + [429]


def test_trusted_proxies_must_be_a_whole_number(database_template, tmp_path):
    assert settings_from_env({"TRUSTED_PROXIES": "2"})["TRUSTED_PROXIES"] == 2
    assert TestingConfig.TRUSTED_PROXIES == 0  # off unless configured
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        create_app(TestingConfig, TRUSTED_PROXIES=-1,
                   SQLALCHEMY_DATABASE_URI=own_database(database_template, tmp_path, "bad"))


def test_failed_log_ins_are_limited_per_account_while_the_ip_varies(client, factory):
    _known(factory, "anna@example.dk")
    _known(factory, "bo@example.dk")
    limit = 10  # RATELIMIT_LOGIN_ACCOUNT: 10 per 15 minutes
    guesses = [_post_login(client, "Anna@Example.dk ", ip=f"192.0.2.{n}").status_code for n in range(limit + 1)]
    assert guesses == [200] * limit + [429]
    resp = _post_login(client, "anna@example.dk", PASSWORD, ip="192.0.2.200")
    assert resp.status_code == 429 and "For mange forsøg" in resp.get_data(as_text=True)
    # Another account from the same addresses is not held up.
    assert _post_login(client, "bo@example.dk", PASSWORD, ip="192.0.2.1").status_code == 302


def test_an_unknown_address_is_limited_exactly_like_a_known_one(client, factory):
    codes = [_post_login(client, "ingen@example.dk", ip=f"192.0.2.{n}").status_code for n in range(11)]
    assert codes == [200] * 10 + [429]


def test_successful_log_ins_do_not_count_against_the_account(client, auth, factory):
    _known(factory, "anna@example.dk")
    for n in range(12):
        assert _post_login(client, "anna@example.dk", PASSWORD, ip=f"192.0.2.{n}").status_code == 302
        auth.logout()


def test_reset_mails_are_limited_per_address_with_a_danish_page(client, factory):
    _known(factory, "anna@example.dk")
    codes = [client.post("/konto/glemt-adgangskode", data={"email": "anna@example.dk"},
                         environ_base={"REMOTE_ADDR": f"192.0.2.{n}"}).status_code for n in range(4)]
    assert codes == [302] * 3 + [429]
    assert len(_outbox("reset_password")) == 3
    resp = client.post("/konto/glemt-adgangskode", data={"email": "anna@example.dk"})
    assert "Du har prøvet for mange gange" in resp.get_data(as_text=True)


def test_the_limiter_stores_its_counts_in_redis_when_configured(app, redis_url):
    assert settings_from_env({"REDIS_URL": "redis://cache:6379/3"})["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/3"
    storage = type(limiter.storage).__name__
    assert storage == ("RedisStorage" if redis_url else "MemoryStorage")


# --- item 6: enumeration -------------------------------------------------------------------------------

def _page(resp, email: str) -> str:
    return resp.get_data(as_text=True).replace(email, "ADDRESS")


def test_log_in_answers_the_same_for_unknown_addresses_members_and_staff(client, factory):
    _known(factory, "anna@example.dk")
    _known(factory, "sagsbehandler@kommune.dk", role="caseworker")
    answers = {}
    for n, email in enumerate(("ingen@example.dk", "anna@example.dk", "sagsbehandler@kommune.dk")):
        resp = _post_login(client, email, ip=f"192.0.2.{n}")
        answers[email] = (resp.status_code, _page(resp, email))
    assert len(set(answers.values())) == 1
    status, body = answers["ingen@example.dk"]
    assert status == 200 and "E-mail eller adgangskode er forkert" in body
    assert "Der findes ingen bruger" not in body and "Adgangskoden er forkert" not in body


@pytest.mark.timeout(120)
def test_log_in_takes_as_long_for_an_unknown_address(app, client, factory, capsys):
    """The unknown address costs an argon2 verify too: the production hasher, medians of interleaved tries."""
    app.config.update(ARGON2_FAST=False, RATELIMIT_LOGIN="1000 per minute", RATELIMIT_LOGIN_ACCOUNT="1000 per minute")
    _known(factory, "anna@example.dk")
    times: dict[str, list[float]] = {"anna@example.dk": [], "ingen@example.dk": []}
    for n in range(8):
        for email, spent in times.items():
            started = time.perf_counter()
            assert _post_login(client, email, ip=f"192.0.2.{n}").status_code == 200
            if n:  # the first round warms up (the dummy hash is made on first use)
                spent.append(time.perf_counter() - started)
    known, unknown = (statistics.median(t) for t in times.values())
    with capsys.disabled():
        print(f"\nlog-in median: known address {known * 1000:.0f} ms, unknown address {unknown * 1000:.0f} ms")
    assert 0.5 <= unknown / known <= 2.0, (known, unknown)


def test_password_reset_answers_the_same_and_mails_only_known_addresses(client, factory):
    _known(factory, "anna@example.dk")
    _known(factory, "sagsbehandler@kommune.dk", role="caseworker")
    _known(factory, "spaerret@example.dk").is_active = False
    db.session.commit()
    answers = set()
    for email in ("ingen@example.dk", "anna@example.dk", "sagsbehandler@kommune.dk", "spaerret@example.dk"):
        resp = client.post("/konto/glemt-adgangskode", data={"email": email})
        page = client.get(resp.location)
        answers.add((resp.status_code, resp.location, _page(page, email)))
    assert len(answers) == 1
    assert "Hvis adressen findes, har vi sendt et link" in answers.pop()[2]
    assert _outbox("reset_password") == ["anna@example.dk", "sagsbehandler@kommune.dk"]


def test_sign_up_with_a_taken_address_answers_as_for_a_new_one_and_tells_the_owner(app, client, factory):
    _known(factory, "anna@example.dk")
    _known(factory, "sagsbehandler@kommune.dk", role="caseworker")
    answers = set()
    for email in ("ny@example.dk", "anna@example.dk", "Sagsbehandler@Kommune.dk"):
        resp = client.post("/konto/opret", data={"full_name": "Karen Holm", "email": email, "password": GOOD,
                                                 "password_again": GOOD})
        page = client.get(resp.location)
        answers.add((resp.status_code, resp.location, _page(page, email.lower())))
        with client.session_transaction() as session:
            assert "_user_id" not in session  # nobody is logged in by a sign-up
    assert len(answers) == 1
    assert "Vi har sendt en e-mail til ADDRESS" in answers.pop()[2]
    assert _outbox("confirm_email") == ["ny@example.dk"]
    assert _outbox("signup_attempt") == ["anna@example.dk", "sagsbehandler@kommune.dk"]
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 3
    # The owner's password is unchanged, and the mail they got says what happened and where to go.
    assert _post_login(client, "anna@example.dk", PASSWORD).status_code == 302
    from app.services.delivery.mail import read_log
    [mail] = [m for m in read_log(app.config["MAIL_LOG_PATH"]) if m["To"] == "anna@example.dk"]
    body = mail.get_content()
    assert "Nogen forsøgte at oprette en bruger" in mail["Subject"] and "Du har allerede en bruger" in body
    assert re.search(r"https?://\S+/konto/glemt-adgangskode", body)


def test_a_chosen_password_does_not_test_an_address(client, factory):
    """Sign up with an address and your own password, then log in: the same failure, taken or new."""
    _known(factory, "anna@example.dk")
    answers = set()
    for n, email in enumerate(("ny@example.dk", "anna@example.dk")):
        client.post("/konto/opret", data={"full_name": "Karen Holm", "email": email, "password": GOOD,
                                          "password_again": GOOD})
        resp = _post_login(client, email, GOOD, ip=f"192.0.2.{n}")
        answers.add((resp.status_code, _page(resp, email)))
    assert len(answers) == 1 and answers.pop()[0] == 200

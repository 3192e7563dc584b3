"""SF1601's token step against the stand-in: a token fetched once and reused, renewed when it expires, a letter that
waits while the STS is down and arrives exactly once after, and a service that refuses calls without a valid token
(so these tests can fail). The tokens never reach a log, an outbox error or the case journal."""
from __future__ import annotations

import base64
import logging
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from flask import current_app

from app import clock
from app.extensions import db
from app.models import CaseEvent, OutboxMessage
from app.services.committee import decisions
from app.services.delivery import digital_post_transport
from app.services.delivery import serviceplatformen_sts as sts
from app.tasks.notices import sweep_outbox
from tests.sf1601_standin import ENTITY_ID, Sf1601Standin


@pytest.fixture
def sf1601(app, tmp_path):
    standin = Sf1601Standin().up()
    app.config.update(standin.config(tmp_path))
    yield standin
    standin.down()


def _decide(world, title: str) -> int:
    """One case granted at a meeting that is then closed (its letter goes out at once: tasks run in process)."""
    case = world.committee_case(amount=30_000, title=title)
    meeting = world.meeting([case])
    world.decide(meeting, case, "grant")
    assert decisions.close_meeting(meeting.id, world.chair)
    db.session.expire_all()
    return case.id


def _rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.channel == "digital_post")
                              .order_by(OutboxMessage.id)).all()


def _sweep_until(predicate, step=timedelta(minutes=5), limit: int = 100) -> None:
    for _ in range(limit):
        if predicate():
            return
        clock.move_to(clock.now() + step)
        sweep_outbox()
    raise AssertionError("the outbox did not finish")


def _raw_call(standin: Sf1601Standin, authorization: str | None, cert: tuple[str, str] | None = None):
    config = current_app.config
    headers = {"Content-Type": "application/xml", "x-transaktionsid": "00000000-0000-4000-8000-000000000000"}
    if authorization is not None:
        headers["Authorization"] = authorization
    return requests.post(standin.url, data=b"<kombi_request/>", headers=headers, timeout=5,
                         cert=cert or (config["DIGITAL_POST_CERT_FILE"], config["DIGITAL_POST_KEY_FILE"]),
                         verify=config["DIGITAL_POST_CA_FILE"])


def _no_token_leaked(standin: Sf1601Standin, log_text: str) -> None:
    secrets = [t.value for t in standin.access_tokens + standin.assertions]
    kept = [r.last_error or "" for r in _rows()]
    kept += [c or "" for c in db.session.scalars(sa.select(CaseEvent.comment).where(CaseEvent.kind == "digital_post"))]
    assert secrets and not any(secret in text for secret in secrets for text in kept + [log_text])


def test_the_issue_request_has_the_documented_shape(tmp_path):
    cert_pem = b"-----BEGIN CERTIFICATE-----\nTUlJQ\nZm9v\n-----END CERTIFICATE-----\n"
    settings = sts.Settings("https://sts", "https://token", ENTITY_ID, "29189838", ("c", "k"), True, 5)
    assert sts.issue_request(settings, cert_pem) == {
        "TokenType": "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0",
        "RequestType": "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue",
        "KeyType": "http://docs.oasis-open.org/ws-sx/ws-trust/200512/PublicKey",
        "AnvenderKontekst": {"Cvr": "29189838"}, "UseKey": "TUlJQZm9v",
        "AppliesTo": {"EndpointReference": {"Address": ENTITY_ID}}, "OnBehalfOf": None}


@pytest.mark.parametrize("assertion", [
    "not base64!", base64.b64encode(b"<not-xml").decode(),
    base64.b64encode(b'<a:Assertion xmlns:a="urn:oasis:names:tc:SAML:2.0:assertion"/>').decode(),
    base64.b64encode(b'<a:Assertion xmlns:a="urn:oasis:names:tc:SAML:2.0:assertion"><a:Conditions '
                     b'NotOnOrAfter="2031-01-01T10:00:00"/></a:Assertion>').decode()])
def test_an_assertion_without_a_readable_expiry_is_a_retryable_failure(assertion):
    with pytest.raises(sts.TokenUnavailable) as refused:
        sts.assertion_expiry(assertion)
    assert isinstance(refused.value, OSError)  # the outbox tries again


def test_the_expiry_is_read_from_the_conditions():
    xml = (b'<a:Assertion xmlns:a="urn:oasis:names:tc:SAML:2.0:assertion"><a:Conditions '
           b'NotOnOrAfter="2031-01-01T10:00:00Z"/></a:Assertion>')
    assert sts.assertion_expiry(base64.b64encode(xml).decode()) == datetime(2031, 1, 1, 10, tzinfo=timezone.utc)


def test_a_letter_goes_with_a_token_fetched_once_and_reused_for_the_next(world, sf1601):
    _decide(world, "Aktivitet 1")
    _decide(world, "Aktivitet 2")
    assert len(sf1601.received) == 2 and {r.status for r in _rows()} == {"delivered"}
    assert len(sf1601.assertions) == 1 and len(sf1601.access_tokens) == 1 and sf1601.refusals == []


def test_expired_tokens_are_renewed(world, sf1601):
    _decide(world, "Aktivitet 1")
    first_access = sf1601.access_tokens[0]
    clock.move_to(clock.now() + timedelta(minutes=61))  # the access token (an hour) has run out, the SAML token not
    assert _raw_call(sf1601, f"Holder-of-key {first_access.value}").status_code == 401  # the service says so too
    _decide(world, "Aktivitet 2")
    assert len(sf1601.assertions) == 1 and len(sf1601.access_tokens) == 2
    clock.move_to(clock.now() + timedelta(hours=8))  # now the SAML token (8 hours) has run out as well
    _decide(world, "Aktivitet 3")
    assert len(sf1601.assertions) == 2 and len(sf1601.access_tokens) == 3
    assert len(sf1601.received) == 3 and {r.status for r in _rows()} == {"delivered"}
    assert sf1601.refusals == ["kombi: no valid access token"]  # only our own call with the old token


def test_while_the_sts_is_down_the_letter_waits_and_arrives_exactly_once_after(world, sf1601, caplog):
    caplog.set_level(logging.DEBUG)
    sf1601.sts.down()
    _decide(world, "Aktivitet 1")
    [row] = _rows()
    assert row.status == "pending" and sf1601.received == [] and "STS did not answer" in row.last_error
    clock.move_to(clock.now() + timedelta(hours=2))
    sweep_outbox()
    assert sf1601.received == [] and _rows()[0].status == "pending"
    sf1601.sts.up()
    _sweep_until(lambda: _rows()[0].status == "delivered")
    for _ in range(3):
        clock.move_to(clock.now() + timedelta(hours=1))
        sweep_outbox()
    assert len(sf1601.received) == 1 and len(sf1601.assertions) == 1
    _no_token_leaked(sf1601, caplog.text)


def test_a_token_the_service_no_longer_takes_is_fetched_anew_and_the_letter_arrives_once(world, sf1601, caplog):
    caplog.set_level(logging.DEBUG)
    _decide(world, "Aktivitet 1")
    sf1601.revoke_tokens()  # the cached token is refused now
    _decide(world, "Aktivitet 2")
    rows = _rows()
    assert rows[1].status == "pending" and "refused the access token (401)" in rows[1].last_error
    _sweep_until(lambda: _rows()[1].status == "delivered")
    sweep_outbox()
    assert len(sf1601.received) == 2 and len({r.transaction_id for r in sf1601.received}) == 2
    assert len(sf1601.assertions) == 2  # forgotten on the refusal: the next attempt began at the STS
    _no_token_leaked(sf1601, caplog.text)


def test_the_service_refuses_a_call_without_a_valid_token(world, sf1601):
    assert _raw_call(sf1601, None).status_code == 401
    assert _raw_call(sf1601, "Holder-of-key 6f1c0c5e-9b1e-4b43-a3c5-0d4a3a1f2b7e").status_code == 401
    _decide(world, "Aktivitet 1")  # a real token, but shown with another (CA-issued) certificate
    stranger = sf1601.pki.stranger.write(sf1601.pki.folder, "stranger")
    assert _raw_call(sf1601, f"Holder-of-key {sf1601.access_tokens[0].value}", stranger).status_code == 401
    assert len(sf1601.received) == 1 and len(sf1601.refusals) == 3


def test_the_sts_refuses_a_certificate_it_does_not_know_and_a_use_key_that_is_not_the_callers(app, sf1601, tmp_path):
    config = app.config
    stranger = sf1601.pki.stranger.write(tmp_path, "stranger")
    base = digital_post_transport.token_settings(config)
    with pytest.raises(sts.TokenUnavailable, match="STS answered 401"):
        sts.authorization(replace(base, cert=stranger))  # not registered as an it-system
    with pytest.raises(sts.TokenUnavailable, match="STS answered 401"):
        sts.authorization(replace(base, cvr="12345674"))  # registered for another CVR
    mine = Path(config["DIGITAL_POST_CERT_FILE"]).read_bytes()
    body = sts.issue_request(base, sf1601.pki.stranger.cert_pem)
    answer = requests.post(base.sts_url, json=body, cert=base.cert, verify=base.verify, timeout=5)
    assert answer.status_code == 401 and sts.use_key(mine) != body["UseKey"]
    assert sf1601.assertions == [] and len(sf1601.refusals) == 3


@pytest.mark.parametrize("emptied", digital_post_transport.TOKEN_SETTINGS)
def test_sf1601_without_its_token_settings_is_refused_at_start(app, emptied):
    config = {**app.config, "DIGITAL_POST": "sf1601", "DIGITAL_POST_SENDER_CVR": "29189838",
              "DIGITAL_POST_CERT_FILE": "kommune.crt", "DIGITAL_POST_KEY_FILE": "kommune.key"}
    digital_post_transport.check_configuration(config)  # the defaults (production) will do
    with pytest.raises(RuntimeError, match=emptied):
        digital_post_transport.check_configuration({**config, emptied: ""})

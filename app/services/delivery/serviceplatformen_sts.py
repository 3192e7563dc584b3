"""Serviceplatformen's token step for its REST services (SF1601 KombiPostAfsend): a SAML token, then an access token.

The documented pattern (SF1601 Programmer's Guide § 1.2, as the public client itk-dev/serviceplatformen follows it):
1. POST JSON to the Security Token Service's REST issue endpoint over TLS with the municipality's certificate (the
   TLS handshake is the proof of the key; `UseKey` names the same certificate, holder-of-key): a WS-Trust 1.3 Issue
   for the service's entity id, with the municipality's CVR as `AnvenderKontekst`. The answer carries the SAML
   assertion, base64, in `RequestedSecurityToken.Assertion`; it is valid until its Conditions' NotOnOrAfter.
2. POST the assertion as the form field `saml-token` to AccessTokenService: `{"access_token", "token_type":
   "Holder-of-key", "expires_in"}`.
3. Call the service with `Authorization: <token_type> <access_token>` (and the same certificate).

Both tokens are kept per process until shortly before they expire. They are secrets for their lifetime: never
logged, never put in an error message (errors become the outbox's last_error and a case event).
"""
from __future__ import annotations

import base64
import binascii
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from defusedxml.ElementTree import fromstring

from app import clock

TOKEN_TYPE = "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0"  # nosec B105 # a URI, no secret
REQUEST_TYPE = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue"
KEY_TYPE = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/PublicKey"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
# Renew this long before the tokens run out (the public client's margins: the SAML token lives 8 hours, the access
# token an hour), so a token never expires between our check and the service's.
SAML_MARGIN = timedelta(minutes=15)
ACCESS_MARGIN = timedelta(seconds=60)


class TokenUnavailable(OSError):
    """No token this time (STS or AccessTokenService down, refusing, or answering what we cannot read): retry."""


@dataclass(frozen=True)
class Settings:
    """Where and as whom to ask; also the cache key (a new certificate or address means new tokens)."""

    sts_url: str
    access_token_url: str
    entity_id: str
    cvr: str
    cert: tuple[str, str]  # (certificate PEM file, key PEM file)
    verify: str | bool
    timeout: float


@dataclass(frozen=True)
class _Token:
    value: str
    renew_at: datetime


def use_key(cert_pem: bytes) -> str:
    """The certificate as `UseKey` wants it: the PEM body on one line, without its BEGIN/END lines."""
    lines = cert_pem.decode("ascii").strip().splitlines()
    body = [line.strip() for line in lines if line.strip() and not line.startswith("-----")]
    if not body:
        raise TokenUnavailable("the Digital Post certificate file holds no certificate")
    return "".join(body)


def issue_request(settings: Settings, cert_pem: bytes) -> dict:
    """The STS issue request (JSON) for the service's entity id, on behalf of the municipality's CVR."""
    return {"TokenType": TOKEN_TYPE, "RequestType": REQUEST_TYPE, "KeyType": KEY_TYPE,
            "AnvenderKontekst": {"Cvr": settings.cvr}, "UseKey": use_key(cert_pem),
            "AppliesTo": {"EndpointReference": {"Address": settings.entity_id}}, "OnBehalfOf": None}


def assertion_expiry(assertion_b64: str) -> datetime:
    """The assertion's Conditions/@NotOnOrAfter (aware UTC)."""
    try:
        root = fromstring(base64.b64decode(assertion_b64, validate=True))
        conditions = root if root.tag == f"{{{SAML}}}Conditions" else root.find(f".//{{{SAML}}}Conditions")
        moment = datetime.fromisoformat(conditions.get("NotOnOrAfter").replace("Z", "+00:00"))
    except (binascii.Error, ValueError, AttributeError, SyntaxError) as exc:
        raise TokenUnavailable(f"the STS's assertion has no readable expiry ({type(exc).__name__})") from None
    if moment.tzinfo is None:
        raise TokenUnavailable("the STS's assertion has an expiry without a time zone")
    return moment


class _Cache:
    """Both tokens per Settings, for this process; one fetch at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._saml: dict[Settings, _Token] = {}
        self._access: dict[Settings, _Token] = {}

    def authorization(self, settings: Settings) -> str:
        """The Authorization header's value, fetching what is missing or about to expire."""
        with self._lock:
            now = clock.now()
            access = self._access.get(settings)
            if access is None or now >= access.renew_at:
                saml = self._saml.get(settings)
                if saml is None or now >= saml.renew_at:
                    saml = self._saml[settings] = _fetch_saml(settings)
                access = self._access[settings] = _fetch_access(settings, saml.value)
            return access.value

    def forget(self, settings: Settings) -> None:
        """Drop both tokens: the service refused them, so the next attempt starts from the STS."""
        with self._lock:
            self._saml.pop(settings, None)
            self._access.pop(settings, None)


_cache = _Cache()


def authorization(settings: Settings) -> str:
    """`Holder-of-key <access token>` for the service `settings` names (cached per process)."""
    return _cache.authorization(settings)


def forget(settings: Settings) -> None:
    """Forget the tokens for `settings` (after the service refused one)."""
    _cache.forget(settings)


def _post(settings: Settings, url: str, what: str, **kwargs) -> dict:
    import requests  # on first use: ~40 ms less for every process's start
    try:
        response = requests.post(url, cert=settings.cert, verify=settings.verify, timeout=settings.timeout,
                                 allow_redirects=False, **kwargs)
    except requests.RequestException as exc:  # its text may hold the request: name the kind only
        raise TokenUnavailable(f"{what} did not answer ({type(exc).__name__})") from None
    if response.status_code != 200:
        raise TokenUnavailable(f"{what} answered {response.status_code}")
    try:
        answer = response.json()
    except ValueError:
        raise TokenUnavailable(f"{what} answered something other than JSON") from None
    if not isinstance(answer, dict):
        raise TokenUnavailable(f"{what} answered JSON without the token")
    return answer


def _fetch_saml(settings: Settings) -> _Token:
    try:
        with open(settings.cert[0], "rb") as cert_file:
            cert_pem = cert_file.read()
    except OSError as exc:
        raise TokenUnavailable(f"the Digital Post certificate cannot be read ({type(exc).__name__})") from None
    answer = _post(settings, settings.sts_url, "Serviceplatformen's STS", json=issue_request(settings, cert_pem))
    assertion = (answer.get("RequestedSecurityToken") or {}).get("Assertion")
    if not isinstance(assertion, str) or not assertion:
        raise TokenUnavailable("Serviceplatformen's STS answered without an assertion")
    return _Token(assertion, assertion_expiry(assertion) - SAML_MARGIN)


def _fetch_access(settings: Settings, saml_token: str) -> _Token:
    answer = _post(settings, settings.access_token_url, "AccessTokenService", data={"saml-token": saml_token},
                   headers={"Accept": "application/json"})
    token, kind, lifetime = answer.get("access_token"), answer.get("token_type"), answer.get("expires_in")
    if not (isinstance(token, str) and token and isinstance(kind, str) and kind
            and isinstance(lifetime, int) and lifetime > 0):
        raise TokenUnavailable("AccessTokenService answered without a usable token")
    return _Token(f"{kind} {token}", clock.now() + timedelta(seconds=lifetime) - ACCESS_MARGIN)

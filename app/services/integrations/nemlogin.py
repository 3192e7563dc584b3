"""NemLog-in (OIOSAML 3.0) as seen by our service provider: metadata, AuthnRequests, assertions, logout.

pysaml2 does the SAML work (signatures with xmlsec1, decryption, audience, recipient and time checks);
this module adds what OIOSAML 3.0 asks on top: the assertion must arrive encrypted, carry the NSIS level of
assurance at or above the configured minimum, and never be accepted twice (saml_assertion_ids).
"""
from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING
from datetime import datetime, timezone

from defusedxml import ElementTree
from flask import current_app
from sqlalchemy.exc import IntegrityError

if TYPE_CHECKING:
    from saml2.client import Saml2Client
    from saml2.saml import NameID

from app import clock
from app.extensions import db
from app.models.nemlogin import SamlAssertionId
from app.services.delivery.links import public_base_url
from app.services.unit_of_work import flush, use_case

# OIOSAML 3.0 attribute names (NemLog-in's attribute profile).
SPEC_VERSION = "https://data.gov.dk/model/core/specVersion"
LOA = "https://data.gov.dk/concept/core/nsis/loa"
CVR = "https://data.gov.dk/model/core/eid/professional/cvr"
ORG_NAME = "https://data.gov.dk/model/core/eid/professional/orgName"
PROFESSIONAL_UUID = "https://data.gov.dk/model/core/eid/professional/uuid/persistent"
FULL_NAME = "https://data.gov.dk/model/core/eid/fullName"
EMAIL = "https://data.gov.dk/model/core/eid/email"
LEVELS = ("Low", "Substantial", "High")
LOA_CLASS_REF = "https://data.gov.dk/concept/core/nsis/loa/"
_ASSERTION = "{urn:oasis:names:tc:SAML:2.0:assertion}Assertion"
_ENCRYPTED = "{urn:oasis:names:tc:SAML:2.0:assertion}EncryptedAssertion"
SIGN_ALG = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
DIGEST_ALG = "http://www.w3.org/2001/04/xmlenc#sha256"
# SAML 2.0's names for these, as pysaml2 spells them: pysaml2 itself is imported at the first log-in, not at
# every process's start.
BINDING_HTTP_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
BINDING_HTTP_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
NAMEID_FORMAT_PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"


class Refused(Exception):
    """The IdP's answer is not accepted; `reason` is a stable code for the page and the journal."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Person:
    """Who NemLog-in says logged in: the persistent id, and for MitID Erhverv the CVR and organisation."""

    subject: str
    full_name: str
    email: str | None
    cvr: str | None
    org_name: str | None
    loa: str
    name_id: str  # the NameID as XML, for the logout request
    session_index: str | None


def is_configured() -> bool:
    """True when the municipality has configured NemLog-in (IdP metadata and our keys)."""
    cfg = current_app.config
    return bool(cfg.get("SAML_IDP_METADATA_FILE") and cfg.get("SAML_SP_KEY_FILE") and cfg.get("SAML_SP_CERT_FILE"))


def _url(path: str) -> str:
    return public_base_url() + path


def _client() -> Saml2Client:
    # pysaml2's client, configuration and metadata load its XML schemas when imported: half a second that every
    # web and Celery process would pay at start, NemLog-in configured or not. They are imported when first used.
    from saml2.client import Saml2Client
    from saml2.config import SPConfig

    cfg = current_app.config
    key, cert = cfg["SAML_SP_KEY_FILE"], cfg["SAML_SP_CERT_FILE"]
    sp_config = SPConfig()
    sp_config.load({
        "entityid": cfg["SAML_SP_ENTITY_ID"] or _url("/konto/nemlogin/metadata"),
        "xmlsec_binary": cfg["SAML_XMLSEC_BINARY"],
        "key_file": key, "cert_file": cert,
        "encryption_keypairs": [{"key_file": key, "cert_file": cert}],
        "metadata": {"local": [cfg["SAML_IDP_METADATA_FILE"]]},
        "allow_unknown_attributes": True,  # OIOSAML's URI names have no pysaml2 converter; we read them raw
        "accepted_time_diff": cfg["SAML_CLOCK_SKEW_SECONDS"],
        "signing_algorithm": SIGN_ALG, "digest_algorithm": DIGEST_ALG,
        "service": {"sp": {
            "name": cfg["MUNICIPALITY_NAME"],
            "endpoints": {
                "assertion_consumer_service": [(_url("/konto/nemlogin/acs"), BINDING_HTTP_POST)],
                "single_logout_service": [(_url("/konto/nemlogin/slo"), BINDING_HTTP_REDIRECT)],
            },
            "authn_requests_signed": True,
            "logout_requests_signed": True,
            "want_assertions_signed": True,
            "want_response_signed": False,
            "allow_unsolicited": False,
            "name_id_format": [NAMEID_FORMAT_PERSISTENT],
        }},
    })
    return Saml2Client(config=sp_config)


def metadata_xml() -> str:
    """Our SP metadata (signing and encryption certificate, ACS and SLO endpoints) for NemLog-in."""
    from saml2.metadata import create_metadata_string  # see _client

    return create_metadata_string(None, config=_client().config, valid=None).decode()


def login_redirect(relay_state: str, request_id: str, force_authn: bool = False) -> str:
    """The IdP URL carrying our signed AuthnRequest `request_id`, asking for the configured level or higher;
    `force_authn` makes the person log in afresh even with a session at the IdP (to confirm a deletion)."""
    from saml2 import saml
    from saml2.samlp import RequestedAuthnContext
    requested = saml.AuthnContextClassRef(text=LOA_CLASS_REF + current_app.config["SAML_MIN_LOA"])
    _id, info = _client().prepare_for_authenticate(
        relay_state=relay_state, sign=True, sigalg=SIGN_ALG, digest_alg=DIGEST_ALG, message_id=request_id,
        force_authn=force_authn,
        requested_authn_context=RequestedAuthnContext(authn_context_class_ref=[requested], comparison="minimum"))
    return dict(info["headers"])["Location"]


def new_request_id() -> str:
    """A fresh AuthnRequest id (an NCName: it starts with a letter)."""
    return "id-" + secrets.token_hex(16)


def _require_encrypted(saml_response: str) -> None:
    try:
        root = ElementTree.fromstring(base64.b64decode(saml_response, validate=False))
    except (ValueError, ElementTree.ParseError) as exc:
        raise Refused("malformed", str(exc)) from exc
    if root.find(_ASSERTION) is not None or root.find(_ENCRYPTED) is None:
        raise Refused("not_encrypted")


def _reason(exc: Exception) -> str:
    name, text = type(exc).__name__, str(exc).lower()
    if "audience" in text:
        return "wrong_audience"
    if name in ("ResponseLifetimeExceed", "ToEarly") or "condition not ok" in text or "too old" in text:
        return "expired"
    if "sign" in name.lower() or "sign" in text:
        return "bad_signature"
    if name in ("UnsolicitedResponse", "OutstandingQueryError"):
        return "unsolicited"
    if "destination" in text or "recipient" in text:
        return "wrong_recipient"
    return "invalid"


def read_response(saml_response: str, outstanding: dict[str, str]) -> Person:
    """The person in a POSTed SAMLResponse, after every check; raises Refused."""
    if not saml_response:
        raise Refused("malformed")
    _require_encrypted(saml_response)
    try:
        response = _client().parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding=outstanding)
    except Exception as exc:  # noqa: BLE001 # pysaml2 raises many kinds; each is a refusal, never a 500
        raise Refused(_reason(exc), f"{type(exc).__name__}: {exc}") from exc
    if response is None or response.assertion is None:
        raise Refused("invalid", "no assertion")
    if not response.assertion.signature:
        raise Refused("bad_signature", "assertion not signed")
    return _person(response)


def _first(ava: dict, name: str) -> str | None:
    values = ava.get(name) or []
    return str(values[0]).strip() if values and str(values[0]).strip() else None


def _person(response) -> Person:
    ava = response.ava
    if _first(ava, SPEC_VERSION) != "OIOSAML-3.0":
        raise Refused("invalid", f"specVersion {_first(ava, SPEC_VERSION)!r}")
    loa = _first(ava, LOA) or "Low"
    if loa not in LEVELS or LEVELS.index(loa) < LEVELS.index(current_app.config["SAML_MIN_LOA"]):
        raise Refused("low_assurance", loa)
    # The persistent NameID is the person's pseudonym at NemLog-in, stable for our SP (MitID and MitID Erhverv).
    name_id = response.name_id
    subject = name_id.text.strip() if name_id is not None and name_id.text else None
    if name_id is not None and name_id.format not in (None, NAMEID_FORMAT_PERSISTENT):
        raise Refused("invalid", f"NameID format {name_id.format}")
    cvr = _first(ava, CVR)
    if not subject or (cvr is not None and not (cvr.isdigit() and len(cvr) == 8)):
        raise Refused("invalid", "no subject or malformed CVR")
    _remember(response.assertion.id, response.assertion.conditions.not_on_or_after)
    session_index = response.assertion.authn_statement[0].session_index if response.assertion.authn_statement else None
    return Person(subject=subject, full_name=_first(ava, FULL_NAME) or "", email=_first(ava, EMAIL),
                  cvr=cvr, org_name=_first(ava, ORG_NAME), loa=loa, name_id=str(response.name_id),
                  session_index=session_index)


@use_case
def _remember(assertion_id: str, not_on_or_after: str | None) -> None:
    """Refuse an assertion seen before: its id stays until it expires, then the next log-in clears it.

    Committed at once: an assertion is used up even when the log-in it carries is refused afterwards."""
    now = clock.now()
    expires = _parse_time(not_on_or_after) if not_on_or_after else now
    db.session.execute(db.delete(SamlAssertionId).where(SamlAssertionId.expires_at < now))
    if db.session.get(SamlAssertionId, assertion_id) is not None:
        raise Refused("replayed", assertion_id)
    db.session.add(SamlAssertionId(assertion_id=assertion_id, expires_at=max(expires, now)))
    try:
        flush()
    except IntegrityError as exc:  # the same assertion posted twice at the same moment
        raise Refused("replayed", assertion_id) from exc


def _parse_time(value: str) -> datetime:
    return datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)


def logout_redirect(name_id_xml: str, session_index: str | None) -> str:
    """A signed LogoutRequest for the IdP (SP-initiated single logout); returns the URL to redirect to."""
    client = _client()
    idp = _idp_entity_id(client)
    destination = client.metadata.single_logout_service(idp, BINDING_HTTP_REDIRECT, "idpsso")[0]["location"]
    from saml2 import saml
    name_id = saml.name_id_from_string(name_id_xml)
    _req_id, request = client.create_logout_request(
        destination, idp, name_id=name_id, sign=False, session_indexes=[session_index] if session_index else None)
    info = client.apply_binding(BINDING_HTTP_REDIRECT, str(request), destination, "", sign=True, sigalg=SIGN_ALG)
    return dict(info["headers"])["Location"]


def _idp_entity_id(client: Saml2Client) -> str:
    idps = list(client.metadata.with_descriptor("idpsso").keys())
    if len(idps) != 1:
        raise Refused("invalid", "the IdP metadata must name exactly one IdP")
    return idps[0]


def read_logout_request(saml_request: str, relay_state: str, sigalg: str | None, signature: str | None) -> tuple[str, str]:
    """An IdP-initiated LogoutRequest (redirect binding, signature checked): (subject name id, URL to answer)."""
    client = _client()
    try:
        request = client.parse_logout_request(saml_request, BINDING_HTTP_REDIRECT, relay_state=relay_state,
                                              sigalg=sigalg, signature=signature)
    except Exception as exc:  # noqa: BLE001 # any failure is a refusal (UnknownPrincipal, UnsupportedBinding, ...)
        raise Refused(_reason(exc), f"{type(exc).__name__}: {exc}") from exc
    if request is None or (not signature and not request.message.signature):
        raise Refused("bad_signature", "logout request not signed")
    response = client.create_logout_response(request.message, [BINDING_HTTP_REDIRECT], sign=False)
    destination = response.destination
    info = client.apply_binding(BINDING_HTTP_REDIRECT, str(response), destination, relay_state, response=True,
                                sign=True, sigalg=SIGN_ALG)
    name_id: NameID = request.message.name_id
    return name_id.text, dict(info["headers"])["Location"]


def read_logout_response(saml_response: str) -> None:
    """The IdP's answer to our LogoutRequest; raises Refused when it is not valid."""
    try:
        response = _client().parse_logout_request_response(saml_response, BINDING_HTTP_REDIRECT)
    except Exception as exc:  # noqa: BLE001
        raise Refused(_reason(exc), f"{type(exc).__name__}: {exc}") from exc
    if response is None:
        raise Refused("invalid", "no logout response")

"""A loopback stand-in for Serviceplatformen's Digital Post service SF1601 (KombiPostAfsend) and its token step, for
tests. Both listen over TLS and require a client certificate from the throwaway CA (tests/throwaway_tls.py).

Written from the documented shapes as the public client itk-dev/serviceplatformen uses them (docs/SF1601.md there,
quoting KOMBIT's SF1601 Programmer's Guide):
- the STS (its own server, so it can be down alone): POST of JSON {TokenType, RequestType, KeyType,
  AnvenderKontekst.Cvr, UseKey, AppliesTo.EndpointReference.Address} to STS_PATH; it answers
  {"RequestedSecurityToken": {"Assertion": <base64 SAML 2.0 assertion>}}. The TLS handshake proves the caller
  holds the certificate's key; the stand-in also requires UseKey to be that same certificate, the certificate to
  be registered (as an it-system) for the CVR in AnvenderKontekst, and AppliesTo to be KombiPostAfsend.
- AccessTokenService: POST of the form field `saml-token`; it takes only an assertion it issued, unchanged,
  unexpired, presented with the certificate it was issued for, and answers {"access_token", "token_type":
  "Holder-of-key", "expires_in"}.
- KombiPostAfsend: POST of `<kombi_request><KombiValgKode>Digital Post</KombiValgKode><memo:Message .../>
  </kombi_request>` as application/xml with `Authorization: Holder-of-key <token>` and the transaction id in
  `x-transaktionsid`; 2xx is accepted. Without a known, unexpired token bound to the calling certificate: 401.
It records what it receives, can be down (connections refused) or fail on demand (5xx), and answers a recipient
it is told is exempt from Digital Post with a 400 that names it ("fritaget"). The real services' exact error bodies
(refused token, STS refusal, "fritaget") were not available to us: those answers are our reading. Expiry is
judged by the app's clock, which the tests move.
"""
from __future__ import annotations

import base64
import binascii
import json
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs
from xml.etree import ElementTree as ET  # nosec B405 # builds XML only; parsing goes through defusedxml

from defusedxml.ElementTree import fromstring

from app import clock
from app.services.delivery import memo
from app.services.delivery import serviceplatformen_sts as sts
from tests.loopback import LoopbackServer, QuietHandler
from tests.throwaway_tls import pki

PATH = "/service/KombiPostAfsend_1/kombi"
STS_PATH = "/runtime/api/rest/wstrust/v1/issue"
TOKEN_PATH = "/service/AccessTokenService_1/token"
ENTITY_ID = "http://entityid.kombit.dk/service/kombipostafsend/1"
MUNICIPALITY_CVR = "29189838"
SAML, DS = sts.SAML, "http://www.w3.org/2000/09/xmldsig#"


@dataclass
class Received:
    transaction_id: str
    choice: str
    message: memo.ReadBack
    xml: bytes


@dataclass(frozen=True)
class Issued:
    """A token the stand-in handed out: for which certificate, and until when."""

    value: str
    cert_der: bytes
    not_on_or_after: datetime


class Sf1601Standin:
    """The STS and Serviceplatformen (AccessTokenService + KombiPostAfsend), each on a fixed loopback port, over
    TLS, not listening until `up()`."""

    def __init__(self) -> None:
        self.pki = pki()
        tls = self.pki.server_context()
        self.sts = LoopbackServer(self._handler(self._sts_answer, STS_PATH), tls=tls)
        self.loopback = LoopbackServer(self._handler(self._platform_answer, None), tls=tls)
        # The certificates registered as it-systems, with the CVR of the authority that registered each.
        self.registered = {self.pki.client.der: MUNICIPALITY_CVR}
        self.saml_lifetime, self.access_lifetime = timedelta(hours=8), timedelta(hours=1)
        self.assertions: list[Issued] = []
        self.access_tokens: list[Issued] = []
        self.refusals: list[str] = []  # what was refused, in words (tests read it)
        self.received: list[Received] = []
        self.exempt: set[str] = set()
        self.failures_left = 0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return self.loopback.base_url + PATH

    def config(self, tmp_path) -> dict:
        """App settings that send Digital Post here, with the municipality's (throwaway) certificate and key."""
        cert, key = self.pki.client.write(tmp_path, "kommune")
        return {"DIGITAL_POST": "sf1601", "DIGITAL_POST_SENDER_CVR": MUNICIPALITY_CVR,
                "DIGITAL_POST_SF1601_URL": self.url, "DIGITAL_POST_STS_URL": self.sts.base_url + STS_PATH,
                "DIGITAL_POST_ACCESS_TOKEN_URL": self.loopback.base_url + TOKEN_PATH,
                "DIGITAL_POST_SERVICE_ENTITY_ID": ENTITY_ID, "DIGITAL_POST_CERT_FILE": cert,
                "DIGITAL_POST_KEY_FILE": key, "DIGITAL_POST_CA_FILE": self.pki.ca_file,
                "DIGITAL_POST_TIMEOUT_SECONDS": 5}

    def fail_next(self, times: int) -> None:
        """Answer the next `times` letters with 503."""
        self.failures_left = times

    def revoke_tokens(self) -> None:
        """Forget every access token handed out (as after a restart of the service): callers must fetch anew."""
        with self._lock:
            self.access_tokens.clear()

    # --- the STS -------------------------------------------------------------------------------------------
    def _sts_answer(self, body: bytes, headers, peer: bytes) -> tuple[int, bytes, str]:
        try:
            asked = json.loads(body)
            use_key = base64.b64decode(asked["UseKey"], validate=True)
            cvr, audience = asked["AnvenderKontekst"]["Cvr"], asked["AppliesTo"]["EndpointReference"]["Address"]
            kinds = (asked["TokenType"], asked["RequestType"], asked["KeyType"])
        except (ValueError, KeyError, TypeError, binascii.Error):
            return self._refuse(400, "sts: not a WS-Trust issue request", json_body=True)
        if kinds != (sts.TOKEN_TYPE, sts.REQUEST_TYPE, sts.KEY_TYPE) or audience != ENTITY_ID:
            return self._refuse(400, "sts: wrong token type or service", json_body=True)
        if use_key != peer:
            return self._refuse(401, "sts: UseKey is not the calling certificate", json_body=True)
        if self.registered.get(peer) != cvr:
            return self._refuse(401, "sts: certificate not registered for this CVR", json_body=True)
        expires = clock.now() + self.saml_lifetime
        assertion = base64.b64encode(_assertion(f"_{uuid.uuid4()}", cvr, peer, expires)).decode("ascii")
        with self._lock:
            self.assertions.append(Issued(assertion, peer, expires))
        return 200, json.dumps({"RequestedSecurityToken": {"Assertion": assertion},
                                "TokenType": sts.TOKEN_TYPE}).encode(), "application/json"

    # --- Serviceplatformen ---------------------------------------------------------------------------------
    def _platform_answer(self, path: str, body: bytes, headers, peer: bytes) -> tuple[int, bytes, str]:
        if path == TOKEN_PATH:
            return self._token_answer(body, peer)
        if path != PATH:
            return 404, b"", "application/xml"
        kind, _, token = (headers.get("Authorization") or "").partition(" ")
        if kind != "Holder-of-key" or not self._valid(self.access_tokens, token, peer):
            return self._refuse(401, "kombi: no valid access token")
        status, answer = self._answer(body, headers.get("x-transaktionsid", ""))
        return status, answer, "application/xml"

    def _token_answer(self, body: bytes, peer: bytes) -> tuple[int, bytes, str]:
        saml_token = (parse_qs(body.decode("ascii", "replace")).get("saml-token") or [""])[0]
        if not self._valid(self.assertions, saml_token, peer):
            return self._refuse(401, "token: not an assertion we issued, or expired, or another certificate's",
                                json_body=True)
        token = Issued(str(uuid.uuid4()), peer, clock.now() + self.access_lifetime)
        with self._lock:
            self.access_tokens.append(token)
        return 200, json.dumps({"access_token": token.value, "token_type": "Holder-of-key",
                                "expires_in": int(self.access_lifetime.total_seconds())}).encode(), "application/json"

    def _valid(self, issued: list[Issued], value: str, peer: bytes) -> bool:
        with self._lock:
            return any(t.value == value and t.cert_der == peer and clock.now() < t.not_on_or_after for t in issued)

    def _refuse(self, status: int, why: str, json_body: bool = False) -> tuple[int, bytes, str]:
        with self._lock:
            self.refusals.append(why)
        if json_body:
            return status, json.dumps({"error": "invalid_request", "error_description": why}).encode(), \
                "application/json"
        return status, b"<fejl><kode>UAUTORISERET</kode></fejl>", "application/xml"

    def _answer(self, body: bytes, transaction_id: str) -> tuple[int, bytes]:
        root = fromstring(body)
        message = root.find(f"{{{memo.MEMO}}}Message")
        if root.tag != "kombi_request" or message is None:
            return 400, b"<fejl><kode>UGYLDIG</kode></fejl>"
        xml = ET.tostring(message, encoding="utf-8", xml_declaration=True)
        try:
            memo.validate(xml)
        except memo.InvalidMemo as exc:
            return 400, f"<fejl><kode>UGYLDIG</kode><tekst>{exc}</tekst></fejl>".encode()
        read = memo.read(xml)
        with self._lock:
            if self.failures_left > 0:
                self.failures_left -= 1
                return 503, b"<fejl><kode>UTILGAENGELIG</kode></fejl>"
            if read.recipient_id in self.exempt:
                return 400, "<fejl><kode>FRITAGET</kode><tekst>Modtageren er fritaget for Digital Post</tekst></fejl>".encode()
            self.received.append(Received(transaction_id, root.findtext("KombiValgKode", ""), read, xml))
        return 200, b"<kombi_response><status>OK</status></kombi_response>"

    def _handler(self, answer, only_path: str | None) -> type[QuietHandler]:
        class Handler(QuietHandler):
            def do_POST(self):
                body = self.body()
                peer = self.connection.getpeercert(binary_form=True) or b""
                if only_path is not None:
                    status, payload, content_type = (404, b"", "application/json") if self.path != only_path \
                        else answer(body, self.headers, peer)
                else:
                    status, payload, content_type = answer(self.path, body, self.headers, peer)
                self.answer(status, payload, content_type)

        return Handler

    def up(self) -> "Sf1601Standin":
        self.sts.up()
        self.loopback.up()
        return self

    def down(self) -> None:
        """Both the STS and the platform stop answering."""
        self.sts.down()
        self.loopback.down()


def _assertion(assertion_id: str, cvr: str, cert_der: bytes, expires: datetime) -> bytes:
    """A SAML 2.0 assertion in the shape the STS issues: holder-of-key for the certificate, valid until `expires`."""
    now = clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    root = ET.Element(f"{{{SAML}}}Assertion", {"ID": assertion_id, "IssueInstant": now, "Version": "2.0"})
    ET.SubElement(root, f"{{{SAML}}}Issuer").text = "https://sts.stand-in.invalid"
    subject = ET.SubElement(root, f"{{{SAML}}}Subject")
    ET.SubElement(subject, f"{{{SAML}}}NameID").text = f"CVR:{cvr}"
    confirmation = ET.SubElement(subject, f"{{{SAML}}}SubjectConfirmation",
                                 {"Method": "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"})
    key_info = ET.SubElement(ET.SubElement(confirmation, f"{{{SAML}}}SubjectConfirmationData"), f"{{{DS}}}KeyInfo")
    ET.SubElement(ET.SubElement(key_info, f"{{{DS}}}X509Data"), f"{{{DS}}}X509Certificate").text = \
        base64.b64encode(cert_der).decode("ascii")
    conditions = ET.SubElement(root, f"{{{SAML}}}Conditions",
                               {"NotBefore": now, "NotOnOrAfter": expires.strftime("%Y-%m-%dT%H:%M:%SZ")})
    ET.SubElement(ET.SubElement(conditions, f"{{{SAML}}}AudienceRestriction"), f"{{{SAML}}}Audience").text = ENTITY_ID
    return ET.tostring(root, encoding="utf-8")

"""A NemLog-in stand-in for tests: pysaml2's own IdP (saml2.server.Server) on loopback, issuing OIOSAML 3.0
attribute sets, with test-only keys generated at set-up (nothing secret is committed).

`LoopbackIdP.start(app)` writes the keys and both metadata files, points the app's SAML_* settings at them and
serves a tiny WSGI IdP: GET /sso shows a form where the tester picks a person, POST /sso answers the SP with
an auto-posting form (what a browser does). Tests of attacks call `respond()` with a tampered variant.
"""
from __future__ import annotations

import datetime as dt
import html
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, saml
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NameID
from saml2.server import Server
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from app.services.integrations import nemlogin as oio

CVR_X, CVR_Y = "41987650", "29550018"
OTHER_SP = "https://andet-sp.example/metadata"


@dataclass(frozen=True)
class IdPPerson:
    key: str
    label: str
    subject: str
    full_name: str
    email: str | None
    cvr: str | None = None
    org_name: str | None = None
    loa: str = "Substantial"

    def attributes(self) -> dict:
        ava = {oio.SPEC_VERSION: ["OIOSAML-3.0"], oio.LOA: [self.loa], oio.FULL_NAME: [self.full_name]}
        if self.email:
            ava[oio.EMAIL] = [self.email]
        if self.cvr:
            ava.update({oio.CVR: [self.cvr], oio.ORG_NAME: [self.org_name], oio.PROFESSIONAL_UUID: [self.subject]})
        return ava


PERSONS = {p.key: p for p in (
    IdPPerson("erhverv_x", "MitID Erhverv: formand for Roklubben Bølgen (CVR 41987650)",
               "https://data.gov.dk/model/core/eid/professional/uuid/0f1e2d3c-0000-4000-8000-000000000001",
               "Birgitte Bølge", "birgitte@boelgen.example", CVR_X, "Roklubben Bølgen"),
    IdPPerson("erhverv_x2", "MitID Erhverv: kasserer i Roklubben Bølgen (CVR 41987650)",
               "https://data.gov.dk/model/core/eid/professional/uuid/0f1e2d3c-0000-4000-8000-000000000002",
               "Kasper Kasse", "kasper@boelgen.example", CVR_X, "Roklubben Bølgen"),
    IdPPerson("erhverv_y", "MitID Erhverv: formand for Skakklubben Tårnet (CVR 29550018)",
               "https://data.gov.dk/model/core/eid/professional/uuid/0f1e2d3c-0000-4000-8000-000000000003",
               "Yrsa Yding", "yrsa@taarnet.example", CVR_Y, "Skakklubben Tårnet"),
    IdPPerson("privat", "MitID: privatperson (kontaktperson for en uformel gruppe)",
               "https://data.gov.dk/model/core/eid/person/uuid/0f1e2d3c-0000-4000-8000-000000000004",
               "Per Privat", None),
    IdPPerson("lav", "MitID med lavt sikringsniveau (Low)",
               "https://data.gov.dk/model/core/eid/person/uuid/0f1e2d3c-0000-4000-8000-000000000005",
               "Lone Lav", "lone@example.dk", loa="Low"),
)}


def _key_and_cert(folder: Path, name: str) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"test-only {name}")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256()))
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


class LoopbackIdP:
    """The IdP: `server` signs with the key in its metadata; `impostor` has the same entity id, another key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.httpd = None
        self.base_url = ""

    def start(self, app) -> "LoopbackIdP":
        self.httpd = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_port}"
        sp_key, sp_cert = _key_and_cert(self.folder, "sp")
        self.idp_key, self.idp_cert = _key_and_cert(self.folder, "idp")
        self.bad_key, self.bad_cert = _key_and_cert(self.folder, "impostor")
        idp_metadata = self.folder / "idp-metadata.xml"
        idp_metadata.write_text(create_metadata_string(None, config=self._config(self.idp_key, self.idp_cert, False),
                                                       valid=None).decode())
        self.settings = {"SAML_IDP_METADATA_FILE": str(idp_metadata), "SAML_SP_KEY_FILE": sp_key,
                         "SAML_SP_CERT_FILE": sp_cert}
        app.config.update(self.settings)
        with app.test_request_context():
            sp_metadata_xml = oio.metadata_xml()
            self.sp_entity_id = oio._client().config.entityid
        sp_metadata = self.folder / "sp-metadata.xml"
        sp_metadata.write_text(sp_metadata_xml)
        # Another service provider with our certificate: an assertion meant for it must not be accepted by us.
        (self.folder / "other-sp-metadata.xml").write_text(sp_metadata_xml.replace(self.sp_entity_id, OTHER_SP))
        self.server = Server(config=self._config(self.idp_key, self.idp_cert))
        self.impostor = Server(config=self._config(self.bad_key, self.bad_cert))
        self.sp_cert_pem = Path(sp_cert).read_text()
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()

    def _config(self, key: str, cert: str, with_sps: bool = True, lifetime_minutes: int = 5) -> IdPConfig:
        sp_metadata = [str(self.folder / "sp-metadata.xml"), str(self.folder / "other-sp-metadata.xml")]
        config = IdPConfig()
        config.load({
            "entityid": f"{self.base_url}/idp",
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "key_file": key, "cert_file": cert,
            "metadata": {"local": sp_metadata} if with_sps else {},
            "signing_algorithm": oio.SIGN_ALG, "digest_algorithm": oio.DIGEST_ALG,
            "service": {"idp": {
                "endpoints": {
                    "single_sign_on_service": [(f"{self.base_url}/sso", BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(f"{self.base_url}/slo", BINDING_HTTP_REDIRECT)],
                },
                "name_id_format": [saml.NAMEID_FORMAT_PERSISTENT],
                "policy": {"default": {"lifetime": {"minutes": lifetime_minutes}, "attribute_restrictions": None,
                                       "name_form": NAME_FORMAT_URI}},
            }},
        })
        return config

    # --- answers -------------------------------------------------------------------------------------------

    def read_request(self, redirect_url: str):
        """The AuthnRequest in our SP's redirect (its signature checked, as NemLog-in does)."""
        query = {k: v[0] for k, v in parse_qs(urlparse(redirect_url).query).items()}
        return self.server.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT,
                                               relay_state=query.get("RelayState"), sigalg=query.get("SigAlg"),
                                               signature=query.get("Signature")).message

    def respond(self, authn_request, person: IdPPerson, *, signed: bool = True, encrypted: bool = True,
                impostor: bool = False, expired: bool = False, audience: str | None = None) -> str:
        """A base64 SAMLResponse to `authn_request` for `person`, honest unless a tampering flag says otherwise."""
        server = self.impostor if impostor else self.server
        if expired:
            server = Server(config=self._config(self.idp_key, self.idp_cert, lifetime_minutes=-10))
        response = server.create_authn_response(
            person.attributes(), authn_request.id, authn_request.assertion_consumer_service_url,
            audience or self.sp_entity_id,
            name_id=NameID(format=saml.NAMEID_FORMAT_PERSISTENT, text=person.subject),
            authn={"class_ref": oio.LOA_CLASS_REF + person.loa, "authn_auth": f"{self.base_url}/idp"},
            sign_assertion=signed, sign_response=False, encrypt_assertion=encrypted,
            encrypt_cert_assertion=self.sp_cert_pem if encrypted else None,
            sign_alg=oio.SIGN_ALG, digest_alg=oio.DIGEST_ALG)
        info = server.apply_binding(BINDING_HTTP_POST, str(response), authn_request.assertion_consumer_service_url,
                                    response=True)
        return _hidden_value(info["data"], "SAMLResponse")

    def logout_request_url(self, subject: str, slo_url: str) -> str:
        """An IdP-initiated, signed LogoutRequest for `subject` (redirect binding)."""
        _id, request = self.server.create_logout_request(
            slo_url, self.sp_entity_id, name_id=NameID(format=saml.NAMEID_FORMAT_PERSISTENT, text=subject), sign=False)
        info = self.server.apply_binding(BINDING_HTTP_REDIRECT, str(request), slo_url, "", sign=True,
                                         sigalg=oio.SIGN_ALG)
        return dict(info["headers"])["Location"]

    # --- the loopback web app -------------------------------------------------------------------------------

    def wsgi(self, environ, start_response):
        request = Request(environ)
        if request.path == "/sso" and request.method == "GET":
            response = self._login_form(request)
        elif request.path == "/sso" and request.method == "POST":
            response = self._answer(request)
        elif request.path == "/slo":
            response = self._logout(request)
        else:
            response = Response("not found", status=404)
        return response(environ, start_response)

    def _login_form(self, request: Request) -> Response:
        options = "".join(f'<p><label><input type="radio" name="person" value="{p.key}" required> {html.escape(p.label)}'
                          f"</label></p>" for p in PERSONS.values())
        return Response(f"""<!doctype html><html lang="da"><head><title>Test-NemLog-in</title></head><body>
<main><h1>Test-NemLog-in</h1><form method="post" action="/sso">
<input type="hidden" name="url" value="{html.escape(request.url)}">{options}
<button type="submit">Log ind</button></form></main></body></html>""", content_type="text/html; charset=utf-8")

    def _answer(self, request: Request) -> Response:
        authn_request = self.read_request(request.form["url"])
        person = PERSONS[request.form["person"]]
        value = self.respond(authn_request, person)
        relay = parse_qs(urlparse(request.form["url"]).query).get("RelayState", [""])[0]
        acs = authn_request.assertion_consumer_service_url
        return Response(f"""<!doctype html><html lang="da"><head><title>Videre</title></head>
<body onload="document.forms[0].submit()"><form method="post" action="{html.escape(acs)}">
<input type="hidden" name="SAMLResponse" value="{value}"><input type="hidden" name="RelayState" value="{html.escape(relay)}">
<button type="submit">Videre</button></form></body></html>""", content_type="text/html; charset=utf-8")

    def _logout(self, request: Request) -> Response:
        query = request.args
        parsed = self.server.parse_logout_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT,
                                                  relay_state=query.get("RelayState"), sigalg=query.get("SigAlg"),
                                                  signature=query.get("Signature"))
        response = self.server.create_logout_response(parsed.message, [BINDING_HTTP_REDIRECT], sign=False)
        info = self.server.apply_binding(BINDING_HTTP_REDIRECT, str(response), response.destination,
                                         query.get("RelayState", ""), response=True, sign=True, sigalg=oio.SIGN_ALG)
        return Response(status=302, headers={"Location": dict(info["headers"])["Location"]})


def _hidden_value(form_html: str, name: str) -> str:
    marker = f'name="{name}" value="'
    start = form_html.index(marker) + len(marker)
    return html.unescape(form_html[start:form_html.index('"', start)])


def query_of(url: str) -> dict[str, str]:
    """A redirect's query string as a dict (one value each)."""
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


__all__ = ["LoopbackIdP", "PERSONS", "CVR_X", "CVR_Y", "OTHER_SP", "query_of", "urlencode"]

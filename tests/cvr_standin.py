"""A loopback stand-in for Erhvervsstyrelsen's CVR search API (`POST …/cvr-permanent/virksomhed/_search`).

It answers with the documented Elasticsearch shape (`hits.hits[]._source.Vrvirksomhed` with virksomhedMetadata
and deltagerRelation) from the fixture companies below, checks HTTP Basic credentials (401 otherwise), and can
be switched to answer slowly, with a 500, with something that is not JSON, or with a changed board and address.
"""
from __future__ import annotations

import base64
import json
import time

from tests.loopback import LoopbackServer, QuietHandler

USER, PASSWORD = "kommune-test", "cvr-hemmelighed"
ACTIVE_CVR = "25063783"     # Skakklubben Springeren, an active association
CEASED_CVR = "31000009"     # a company dissolved years ago
CHANGING_CVR = "29403473"   # Boldklubben Nordstjernen: board and address change when `changed` is set
MITID_CVR = "41987650"      # Roklubben Bølgen, whose chair logs in with MitID Erhverv at the test IdP (CVR_X there)
UNKNOWN_CVR = "31000017"    # valid modulus 11, not in the register


def _period(since: str, until: str | None = None) -> dict:
    return {"gyldigFra": since, "gyldigTil": until}


def _person(name: str, *roles: tuple[str, str | None]) -> dict:
    """A deltagerRelation for a person with FUNKTION values (role, ended-on) in the management body."""
    return {
        "deltager": {"enhedsNummer": abs(hash(name)) % 10**10, "enhedstype": "PERSON",
                     "navne": [{"navn": name, "periode": _period("2015-01-01")}]},
        "organisationer": [{
            "enhedsNummerOrganisation": 1, "hovedtype": "LEDELSESORGAN",
            "organisationsNavn": [{"navn": "Bestyrelse", "periode": _period("2015-01-01")}],
            "medlemsData": [{"attributter": [{
                "type": "FUNKTION", "sekvensnr": 0, "vaerditype": "string",
                "vaerdier": [{"vaerdi": role, "periode": _period("2015-01-01", ended)} for role, ended in roles]}]}],
        }],
    }


def _company(cvr: str, name: str, street: str, number: int, postcode: int, city: str, status: str,
             people: list[dict], form: str = "Forening") -> dict:
    return {
        "cvrNummer": int(cvr),
        "navne": [{"navn": name, "periode": _period("2015-01-01")}],
        "virksomhedMetadata": {
            "nyesteNavn": {"navn": name, "periode": _period("2015-01-01")},
            "nyesteBeliggenhedsadresse": {
                "vejnavn": street, "husnummerFra": number, "bogstavFra": None, "etage": None, "sidedoer": None,
                "postnummer": postcode, "postdistrikt": city, "bynavn": None, "kommune": {"kommuneKode": 163},
                "landekode": "DK", "periode": _period("2015-01-01")},
            "nyesteVirksomhedsform": {"virksomhedsformkode": 110, "kortBeskrivelse": "FORENING",
                                      "langBeskrivelse": form},
            "sammensatStatus": status,
        },
        "deltagerRelation": people,
    }


def companies(changed: bool) -> dict[str, dict]:
    """The register's contents; `changed` gives CHANGING_CVR its new board and address."""
    nordstjernen = (
        _company(CHANGING_CVR, "Boldklubben Nordstjernen", "Stadionvej", 12, 2730, "Herlev", "Aktiv",
                 [_person("Karen Holm", ("FORMAND", None)), _person("Jens Berg", ("BESTYRELSESMEDLEM", None))])
        if not changed else
        _company(CHANGING_CVR, "Boldklubben Nordstjernen", "Idrætsvej", 4, 2730, "Herlev", "Aktiv",
                 [_person("Karen Holm", ("BESTYRELSESMEDLEM", None)), _person("Sofie Dahl", ("FORMAND", None)),
                  _person("Jens Berg", ("BESTYRELSESMEDLEM", "2026-03-01"))]))
    return {
        ACTIVE_CVR: _company(ACTIVE_CVR, "Skakklubben Springeren", "Torvet", 3, 2730, "Herlev", "Aktiv",
                             [_person("Anna Lund", ("FORMAND", None)), _person("Bo Skov", ("KASSERER", None))]),
        CEASED_CVR: _company(CEASED_CVR, "Gamle Roklub", "Havnen", 1, 2730, "Herlev",
                             "OPLØSTEFTERFRIVILLIGLIKVIDATION", []),
        CHANGING_CVR: nordstjernen,
        MITID_CVR: _company(MITID_CVR, "Roklubben Bølgen", "Havnevej", 1, 9999, "Eksempelby", "Aktiv",
                            [_person("Birgitte Bølge", ("FORMAND", None))]),
    }


def answer(hits: list[dict]) -> dict:
    """The Elasticsearch envelope around `hits` (Vrvirksomhed documents)."""
    return {"took": 3, "timed_out": False, "_shards": {"total": 6, "successful": 6, "skipped": 0, "failed": 0},
            "hits": {"total": len(hits), "max_score": 1.0 if hits else None,
                     "hits": [{"_index": "cvr-v-20220630", "_type": "_doc", "_id": str(h["cvrNummer"]), "_score": 1.0,
                               "_source": {"Vrvirksomhed": h}} for h in hits]}}


class CvrStandin:
    """The server and its switches: `mode` is "ok", "slow", "error" or "garbage"; `changed` as above."""

    def __init__(self) -> None:
        self.mode, self.changed, self.slow_seconds, self.requests = "ok", False, 2.0, 0
        standin = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                standin.requests += 1
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    return self._send(401, b'{"error":"Unauthorized"}')
                if standin.mode == "slow":
                    time.sleep(standin.slow_seconds)
                if standin.mode == "error":
                    return self._send(500, b'{"error":"internal"}')
                if standin.mode == "garbage":
                    return self._send(200, b"<html>Vedligeholdelse</html>")
                cvr = str(body.get("query", {}).get("term", {}).get("Vrvirksomhed.cvrNummer", "")).zfill(8)
                found = companies(standin.changed).get(cvr)
                self._send(200, json.dumps(answer([found] if found else [])).encode())

            def _send(self, status: int, payload: bytes) -> None:
                self.answer(status, payload, "application/json; charset=UTF-8")

        self.loopback = LoopbackServer(Handler)

    @property
    def url(self) -> str:
        return self.loopback.base_url + "/cvr-permanent/virksomhed/_search"

    def start(self) -> "CvrStandin":
        self.loopback.up()
        return self

    def stop(self) -> None:
        self.loopback.down()

    def reset(self) -> None:
        self.mode, self.changed, self.requests = "ok", False, 0

    def config(self, **overrides) -> dict:
        """App settings that point at this stand-in."""
        return {"CVR_REGISTER_URL": self.url, "CVR_REGISTER_USER": USER, "CVR_REGISTER_PASSWORD": PASSWORD,
                "CVR_REGISTER_TIMEOUT_SECONDS": 0.5, **overrides}

"""A loopback stand-in for Netcompany GetOrganized's REST API (`/_goapi`), the ESDH we journalise in.

It takes the three calls app/services/integrations/getorganized.py makes, in the shapes its docstring cites:
POST /_goapi/Cases/ (answers `{"CaseID": "EMN-2026-000001", …}`), POST /_goapi/Cases/FindByCaseProperties
(answers `{"CasesInfo": [{"CaseID": …}]}`) and POST /_goapi/Documents/AddToDocumentLibrary (answers
`{"DocId": 215820}`). It checks HTTP Basic credentials (401 otherwise), records every case and document it
holds, parses the `<z:row>` metadata, and can fail on demand: `mode` "ok", "error" (500), or "down" (the port
refuses connections: the server is stopped and started again on the same port by `up()`).
"""
from __future__ import annotations

import base64
import json
import threading
import xml.etree.ElementTree as ET  # nosec B405 # our own test server parsing what our client sent
from dataclasses import dataclass, field

from tests.loopback import LoopbackServer, QuietHandler

USER, PASSWORD = "go-api", "go-hemmelighed"
FIRST_DOC_ID = 215820


@dataclass
class StoredCase:
    case_id: str
    prefix: str
    metadata: dict


@dataclass
class StoredDocument:
    doc_id: int
    case_id: str
    filename: str
    content: bytes
    metadata: dict
    list_name: str


def parse_row(xml: str) -> dict:
    """The attributes of a `<z:row xmlns:z="#RowsetSchema" …/>`."""
    return dict(ET.fromstring(xml).attrib)  # nosec B314 # see the import


@dataclass
class GetOrganizedStandin:
    mode: str = "ok"
    cases: list[StoredCase] = field(default_factory=list)
    documents: list[StoredDocument] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.loopback = LoopbackServer(self._handler())
        self.up()

    @property
    def url(self) -> str:
        return self.loopback.base_url

    def up(self) -> "GetOrganizedStandin":
        """Listen (again, on the same port after `down`)."""
        self.loopback.up()
        return self

    def down(self) -> None:
        """Stop listening: connections are refused until `up`."""
        self.loopback.down()

    def reset(self) -> None:
        self.mode = "ok"
        self.cases.clear()
        self.documents.clear()
        self.calls.clear()

    def config(self, **overrides) -> dict:
        """App settings that point at this stand-in."""
        return {"ESDH": "getorganized", "ESDH_URL": self.url, "ESDH_USERNAME": USER, "ESDH_PASSWORD": PASSWORD,
                "ESDH_CASE_TYPE_PREFIX": "EMN", "ESDH_TIMEOUT_SECONDS": 2, **overrides}

    # --- the API ------------------------------------------------------------------------------------------

    def create_case(self, body: dict) -> tuple[int, dict]:
        metadata = parse_row(body["MetadataXml"])
        with self._lock:
            case_id = f"{body['CaseTypePrefix']}-2026-{len(self.cases) + 1:06d}"
            self.cases.append(StoredCase(case_id, body["CaseTypePrefix"], metadata))
        return 200, {"CaseID": case_id, "CaseRelativeUrl": f"/cases/{body['CaseTypePrefix']}/{case_id}"}

    def find_cases(self, body: dict) -> tuple[int, dict]:
        wanted = {p["InternalName"]: p["Value"] for p in body.get("FieldProperties", [])}
        found = [c for c in self.cases if c.prefix in body.get("CaseTypePrefixes", [c.prefix])
                 and all(c.metadata.get(k) == v for k, v in wanted.items())]
        return 200, {"CasesInfo": [{"CaseID": c.case_id} for c in found]}

    def add_document(self, body: dict) -> tuple[int, dict]:
        if not any(c.case_id == body["CaseId"] for c in self.cases):
            return 404, {"Message": f"Case {body['CaseId']} not found"}
        with self._lock:
            kept = [d for d in self.documents if (d.case_id, d.filename) == (body["CaseId"], body["FileName"])]
            if kept and not body.get("Overwrite"):
                return 409, {"Message": "File exists"}
            doc_id = kept[0].doc_id if kept else FIRST_DOC_ID + len(self.documents)
            self.documents[:] = [d for d in self.documents if d not in kept]
            self.documents.append(StoredDocument(doc_id, body["CaseId"], body["FileName"], bytes(body["bytes"]),
                                                 parse_row(body["Metadata"]), body["ListName"]))
        return 200, {"DocId": doc_id}

    def _handler(self):
        standin = self
        routes = {"/_goapi/Cases/": self.create_case, "/_goapi/Cases/FindByCaseProperties": self.find_cases,
                  "/_goapi/Documents/AddToDocumentLibrary": self.add_document}

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                standin.calls.append(self.path)
                expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    return self._send(401, {"Message": "Unauthorized"})
                if standin.mode == "error":
                    return self._send(500, {"Message": "Internal error"})
                route = routes.get(self.path)
                self._send(*(route(body) if route else (404, {"Message": "Not found"})))

            def _send(self, status: int, payload: dict) -> None:
                self.answer(status, json.dumps(payload).encode(), "application/json; charset=utf-8")

        return Handler

"""A loopback stand-in for Serviceplatformen's Digital Post service SF1601 (KombiPostAfsend), for tests.

Written from the service's documented shape as the public clients use it: POST of
`<kombi_request><KombiValgKode>Digital Post</KombiValgKode><memo:Message .../></kombi_request>` as
application/xml with the transaction id in `x-transaktionsid`; 2xx is accepted. It records what it receives, can
be down (connections refused) or fail on demand (5xx), and answers a recipient it is told is exempt from Digital
Post with a 400 that names it ("fritaget"). The real service's exact error body was not available to us: the
answer here is our reading of its documented "fritaget"/not subscribed refusal.
"""
from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from defusedxml.ElementTree import fromstring
from xml.etree import ElementTree as ET  # nosec B405 # builds XML only; parsing goes through defusedxml

from app.services.delivery import memo
from tests.loopback import LoopbackServer, QuietHandler

PATH = "/service/KombiPostAfsend_1/kombi"


@dataclass
class Received:
    transaction_id: str
    choice: str
    message: memo.ReadBack
    xml: bytes


class Sf1601Standin:
    """An HTTP server on a fixed loopback port, not listening until `up()`."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.loopback = LoopbackServer(self._handler(), port)
        self.received: list[Received] = []
        self.exempt: set[str] = set()
        self.failures_left = 0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return self.loopback.base_url + PATH

    def config(self, tmp_path) -> dict:
        """App settings that send Digital Post here (certificate files: placeholders, the stand-in is plain HTTP)."""
        cert, key = tmp_path / "kommune.crt", tmp_path / "kommune.key"
        cert.write_text("placeholder")
        key.write_text("placeholder")
        return {"DIGITAL_POST": "sf1601", "DIGITAL_POST_SENDER_CVR": "29189838", "DIGITAL_POST_SF1601_URL": self.url,
                "DIGITAL_POST_CERT_FILE": str(cert), "DIGITAL_POST_KEY_FILE": str(key),
                "DIGITAL_POST_TIMEOUT_SECONDS": 5}

    def fail_next(self, times: int) -> None:
        """Answer the next `times` requests with 503."""
        self.failures_left = times

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

    def _handler(self) -> type[QuietHandler]:
        standin = self

        class Handler(QuietHandler):
            def do_POST(self):
                body = self.body()
                status, answer = (404, b"") if self.path != PATH else standin._answer(
                    body, self.headers.get("x-transaktionsid", ""))
                self.answer(status, answer, "application/xml")

        return Handler

    def up(self) -> "Sf1601Standin":
        self.loopback.up()
        return self

    def down(self) -> None:
        self.loopback.down()

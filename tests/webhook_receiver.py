"""A webhook receiver on loopback and a verifier written from the Standard Webhooks spec (not from our signer)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from app import clock
from tests.loopback import kept_port

TOLERANCE = 5 * 60  # seconds a receiver accepts between webhook-timestamp and its own clock


def verify(secret: str, headers: dict, body: bytes, now: int) -> bool:
    """A receiver's check per Standard Webhooks, written from the spec (not from our signer)."""
    msg_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(now - int(timestamp)) > TOLERANCE:
        return False
    key = base64.b64decode(secret.split("_", 1)[1])
    expected = base64.b64encode(hmac.new(key, msg_id.encode() + b"." + timestamp.encode() + b"." + body,
                                         hashlib.sha256).digest())
    for candidate in headers["webhook-signature"].split(" "):
        version, _, sig = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(sig.encode(), expected):
            return True
    return False


class Receiver:
    """An HTTP server on a fixed loopback port that is not listening until `up()` (connections are refused)."""

    def __init__(self) -> None:
        self.port = kept_port()  # kept while down (tests/loopback.py)
        self.received: list[tuple[dict, bytes, int]] = []
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def up(self) -> None:
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append(({k.lower(): v for k, v in self.headers.items()}, body,
                                  int(clock.now().timestamp())))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

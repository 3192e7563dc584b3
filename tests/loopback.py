"""The HTTP server under the stand-ins for services we don't own (the CVR register, SF1601, GetOrganized, the
finance system): on 127.0.0.1, on a port of its own that it keeps when it goes down and comes up again, so a
service that is down refuses connections and one that is back answers at the same address."""
from __future__ import annotations

import random
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def kept_port() -> int:
    """A free loopback port below the kernel's ephemeral range.

    A stand-in that goes down gives its port back for a while; a port the kernel hands out for "any free port" could
    be taken by another test process's server or client meanwhile, and the stand-in could not come back (CI saw
    "Address already in use"). Ports below that range are only ever taken by asking for them."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for _ in range(200):
        port = random.randint(max(1024, low - 12000), low - 1)  # nosec B311 # a port number, not a secret
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port below the ephemeral range")


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that answers with a body and its length, and logs nothing."""

    def answer(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def log_message(self, *args) -> None:
        pass


class LoopbackServer:
    """`handler` served on 127.0.0.1 (port 0: a free one, kept from then on: see kept_port) while up; over TLS with
    `tls`."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], port: int = 0,
                 tls: ssl.SSLContext | None = None) -> None:
        self.handler, self.port, self.tls = handler, port or kept_port(), tls
        self.server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def up(self) -> LoopbackServer:
        """Listen (again, on the same port after `down`)."""
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self.handler)
        self.server.daemon_threads = True
        if self.tls is not None:  # a failed handshake is an OSError in accept: socketserver drops that connection
            self.server.socket = self.tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def down(self) -> None:
        """Stop listening: connections are refused until `up`."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

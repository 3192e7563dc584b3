"""/healthz, /readyz and /metrics, answered in front of the Flask app.

They sit in a WSGI layer of their own so that none of the app's machinery runs for them: no session, log-in,
two-factor or CSRF check, no rate limit, no request guard, no locale. A load balancer asking every few seconds
costs nothing but the checks themselves. The layer sits inside ProxyFix (when TRUSTED_PROXIES is set), so
/metrics judges the client's own address, not the proxy's.
"""
from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Callable, Iterable

from flask import Flask
from werkzeug.wrappers import Response

from app.services.operations import metrics, readiness

NO_STORE = {"Cache-Control": "no-store"}


def networks(value: Iterable[str]) -> tuple:
    """METRICS_NETWORKS parsed ("10.0.0.0/8", "::1"); a malformed entry is refused at start."""
    try:
        return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in value if item.strip())
    except ValueError as exc:
        raise RuntimeError(f"METRICS_NETWORKS: {exc}") from None


def install(app: Flask) -> None:
    """Wrap the app's WSGI callable (before ProxyFix wraps it in turn)."""
    app.wsgi_app = OperationsEndpoints(app, app.wsgi_app)  # type: ignore[method-assign]


class OperationsEndpoints:
    """Answers the three paths itself; everything else goes on to the app."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.allowed_networks = networks(app.config.get("METRICS_NETWORKS") or ())
        self.routes: dict[str, Callable[[dict], Response]] = {
            "/healthz": self.healthz, "/readyz": self.readyz, "/metrics": self.metrics}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        handler = self.routes.get(environ.get("PATH_INFO", ""))
        if handler is None:
            return self.wsgi_app(environ, start_response)
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            response = Response(status=405, headers={"Allow": "GET, HEAD", **NO_STORE})
        else:
            response = handler(environ)
        return response(environ, start_response)

    def healthz(self, _environ: dict) -> Response:
        """The process is up and answers; nothing else is asked."""
        return Response("ok\n", 200, mimetype="text/plain", headers=NO_STORE)

    def readyz(self, _environ: dict) -> Response:
        """200 when the database, the broker and the store answer in time; 503 naming what failed."""
        checks = readiness.check(self.app, float(self.app.config["READINESS_TIMEOUT_SECONDS"]))
        ready = readiness.is_ready(checks)
        body = {"status": "ready" if ready else "not_ready", "checks": checks,
                "failed": sorted(name for name, state in checks.items() if state not in (readiness.OK,
                                                                                         readiness.NOT_CONFIGURED))}
        return Response(json.dumps(body), 200 if ready else 503, mimetype="application/json", headers=NO_STORE)

    def metrics(self, environ: dict) -> Response:
        """Prometheus's text, for an allowed network or the bearer token; 403 otherwise."""
        if not self.may_read_metrics(environ):
            headers = {**NO_STORE, "WWW-Authenticate": "Bearer"} if self.app.config.get("METRICS_TOKEN") else NO_STORE
            return Response(json.dumps({"error": "forbidden"}), 403, mimetype="application/json", headers=headers)
        return Response(metrics.exposition(self.app), 200, content_type=metrics.CONTENT_TYPE, headers=NO_STORE)

    def may_read_metrics(self, environ: dict) -> bool:
        """The bearer token (compared in constant time) or a client address in METRICS_NETWORKS."""
        token = self.app.config.get("METRICS_TOKEN")
        scheme, _, given = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
        try:
            client = ipaddress.ip_address(environ.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        return any(client in network for network in self.allowed_networks)

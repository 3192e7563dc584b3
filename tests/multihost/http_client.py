"""A person's browser against a real server over HTTP, shaped like Flask's test client, so the log-in and
two-factor helpers (tests/conftest.py AuthActions, tests/two_factor_steps.py) and the applying steps
(tests/applying/conftest.py) drive gunicorn unchanged."""
from __future__ import annotations

import re
from collections.abc import Callable
import requests

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
# Any page built on base.html carries a token (the language form); this one needs no log-in and changes nothing.
TOKEN_PAGE = "/tilgaengelighed"


class Response:
    """The parts of a werkzeug test response the shared helpers read."""

    def __init__(self, raw: requests.Response) -> None:
        self.raw = raw
        self.status_code = raw.status_code
        self.headers = raw.headers
        self.location = raw.headers.get("Location")
        self.data = raw.content
        self.mimetype = raw.headers.get("Content-Type", "").split(";")[0]

    def get_data(self, as_text: bool = False):
        return self.raw.text if as_text else self.data


class HttpClient:
    """One person's cookies, sent to whichever host `base` names, as a load balancer without sticky sessions does.

    The servers run the production configuration behind a trusted proxy (TRUSTED_PROXIES=1): every request says it
    came over HTTPS, as the balancer in front of them would, so the session cookie is Secure and CSRF is on.
    """

    def __init__(self, base: str, after_each: Callable[[], None] = lambda: None) -> None:
        self.base = base
        # The shared helpers read the database between requests, as they do beside Flask's test client, where the
        # server's session is theirs: what the test process has loaded must be read again after each request.
        self.after_each = after_each
        self.session = requests.Session()
        self.session.headers["X-Forwarded-Proto"] = "https"

    def get(self, path: str) -> Response:
        resp = self.session.get(self.base + path, allow_redirects=False, headers=self._cookie(), timeout=30)
        self.after_each()
        return Response(resp)

    def post(self, path: str, data: dict | None = None, content_type: str | None = None) -> Response:
        """Post a form with this session's CSRF token; (file object, name) values are sent as uploads."""
        fields, files = {"csrf_token": self.csrf_token()}, {}
        for key, value in (data or {}).items():
            if isinstance(value, tuple):
                files[key] = (value[1], value[0], "application/pdf")
            else:
                fields[key] = value
        # Over HTTPS Flask-WTF also wants a Referer from this host, as a browser sends for a same-site form.
        referer = self.base.replace("http://", "https://", 1) + TOKEN_PAGE
        resp = self.session.post(self.base + path, data=fields, files=files or None, allow_redirects=False,
                                 headers={"Referer": referer, **self._cookie()}, timeout=60)
        self.after_each()
        return Response(resp)

    def csrf_token(self) -> str:
        """A token for the current session (the session may have changed since the last page, as a log-in does)."""
        found = TOKEN.search(self.get(TOKEN_PAGE).get_data(as_text=True))
        assert found, f"no CSRF token on {TOKEN_PAGE}"
        return found.group(1)

    def _cookie(self) -> dict[str, str]:
        """The Cookie header by hand: the session cookie is Secure and the balancer speaks plain HTTP to the hosts on
        loopback, and requests (http.cookiejar) sends a Secure cookie over https only."""
        jar = self.session.cookies
        return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in jar)} if jar else {}

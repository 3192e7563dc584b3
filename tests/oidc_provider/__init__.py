"""The test OpenID Connect provider (provider.mjs, npm oidc-provider under Node) on a free loopback port.

`start(clients)` runs it and returns a Provider with its issuer URL and the test-only calls; `stop()` ends it.
One provider serves a whole test session: it keeps its accounts, keys and sessions in memory.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "foreningsstotte"
CLIENT_SECRET = "test-hemmelighed-til-sso"
# The provider's groups and the roles a municipality would map them to (tests' OIDC_ROLE_GROUPS).
ROLE_GROUPS = {"fs-sagsbehandlere": "caseworker", "fs-udvalg": "committee_member",
               "fs-administratorer": "administrator"}


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen

    def _post(self, path: str, data: dict) -> dict:
        request = urllib.request.Request(self.issuer + path, data=json.dumps(data).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"test provider {path}: {error.code} {error.read()!r}") from None

    def forge_next_id_token(self, kind: str) -> None:
        """The next token answer carries a doctored ID token: signature, expired, audience, nonce or issuer."""
        self._post("/test/forge", {"kind": kind})

    def deactivate(self, account: str) -> int:
        """Disable the account at the provider, which sends every client a back-channel logout; returns how many."""
        return self._post("/test/deactivate", {"account": account})["posted"]

    def activate(self, account: str) -> None:
        self._post("/test/activate", {"account": account})

    def logout_token(self, account: str, variant: str | None = None) -> str:
        """A logout token signed as the provider signs them (or doctored: signature, no-events, nonce, ...)."""
        return self._post("/test/logout-token", {"account": account, "variant": variant})["logout_token"]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def app_settings(provider: Provider) -> dict:
    """The app's OIDC settings for this provider."""
    return {"OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_ROLE_GROUPS": dict(ROLE_GROUPS)}


def start(base_urls: list[str]) -> Provider:
    """Run the provider with one client whose redirect and back-channel logout addresses are on `base_urls`."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("Node is needed for the test OpenID Connect provider")
    client = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
              "redirect_uris": [f"{base}/konto/sso/svar" for base in base_urls],
              "backchannel_logout_uri": f"{base_urls[0]}/konto/sso/backchannel-logout"}
    env = {**os.environ, "OIDC_TEST_CONFIG": json.dumps({"clients": [client]}), "NODE_ENV": "test"}
    process = subprocess.Popen([node, str(SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True,
                               cwd=SCRIPT.parent)
    line = process.stdout.readline()
    if not line.startswith("listening "):
        process.kill()
        raise RuntimeError(f"the test OpenID Connect provider did not start: {line!r}")
    return Provider(issuer=f"http://127.0.0.1:{int(line.split()[1])}", process=process)

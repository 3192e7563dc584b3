"""Issue 22 tried as an integrator would, against the running demo: the administrator registers a client in the
browser and reads its secret once, the integrator reads the API's reference page, fetches a token with the
client credentials over real HTTP, pages through the cases with the cursor, downloads a decision letter, and
stops working the moment the administrator blocks the client. The new pages are looked at (axe, 1280 and 360 px).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import unique
from tests.e2e.staff_helpers import actor, apply_for, flash, look

pytestmark = pytest.mark.e2e


def _call(url: str, token: str | None = None, data: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) of one HTTP request, errors included."""
    request = urllib.request.Request(url, data=data, headers=dict(headers or {}))
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _token(base: str, client_id: str, secret: str, scope: str) -> str:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    status, _headers, body = _call(f"{base}/api/v1/token", data=f"grant_type=client_credentials&scope={scope}".encode(),
                                   headers={"Authorization": f"Basic {basic}",
                                            "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200, body
    return json.loads(body)["access_token"]


def test_an_integrator_registers_reads_the_reference_pages_cases_downloads_a_letter_and_is_blocked(browser, live_server):
    base, name = live_server, unique("ESDH")
    with actor(browser, base, "admin@demo.dk") as admin:
        admin.goto(f"{base}/admin/integrationer")
        admin.get_by_label("Integrationens navn").fill(name)
        admin.get_by_label("Læse sager (cases:read)").check()
        admin.get_by_label("Hente dokumenter og breve (documents:read)").check()
        admin.get_by_role("button", name="Opret integration").click()
        expect(admin.get_by_role("heading", name=f"»{name}« er oprettet")).to_be_visible()
        facts = admin.locator(".alert-success code").all_inner_texts()
        client_id, secret = facts[0], facts[1]
        look(admin, "api-client-registered")
        admin.reload()  # shown once: a new visit no longer carries the secret
        expect(admin.get_by_text(secret)).to_have_count(0)

        admin.get_by_role("link", name="Se API'ets beskrivelse").click()
        admin.wait_for_load_state("load")
        expect(admin.get_by_role("heading", name="API til integrationer")).to_be_visible()
        look(admin, "api-reference")

        status, headers, body = _call(f"{base}/api/v1/openapi.json")
        assert status == 200 and json.loads(body)["openapi"].startswith("3.1")

        token = _token(base, client_id, secret, "cases:read documents:read")
        seen, cursor, letter = [], None, None
        for _page in range(3):
            url = f"{base}/api/v1/cases?limit=5" + (f"&cursor={cursor}" if cursor else "")
            status, headers, body = _call(url, token)
            assert status == 200, body
            page = json.loads(body)
            seen += [case["id"] for case in page["items"]]
            cursor = page.get("next_cursor")
            if not cursor:
                break
        assert len(seen) == len(set(seen)) > 5, "the cursor neither repeats nor loses cases"

        for case_id in seen:
            status, _headers, body = _call(f"{base}/api/v1/cases/{case_id}/documents", token)
            assert status == 200, body
            letters = [d for d in json.loads(body) if d["kind"] == "letter"]
            if letters:
                letter = letters[0]
                break
        if letter is None:  # the first pages may hold only new applications: look further for a decided case
            status, _headers, body = _call(f"{base}/api/v1/cases?limit=100", token)
            for case in json.loads(body)["items"]:
                status, _headers, docs = _call(f"{base}/api/v1/cases/{case['id']}/documents", token)
                pdfs = [d for d in json.loads(docs) if d["kind"] == "letter"]
                if pdfs:
                    letter = pdfs[0]
                    break
        assert letter, "the demo has decided cases with letters"
        status, headers, body = _call(f"{base}/api/v1/documents/{letter['id']}", token)
        assert status == 200 and body.startswith(b"%PDF-"), (status, body[:200])

        status, headers, body = _call(f"{base}/api/v1/cases?limit=1", "not-a-token")
        assert status == 401 and headers["Content-Type"].startswith("application/problem+json")

        status, headers, body = _call(f"{base}/api/v1/payout-batches?limit=1", token)
        assert status == 403, "a scope the client was not given"
        admin.goto(f"{base}/admin/integrationer")
        admin.get_by_role("link", name=name, exact=True).click()
        admin.wait_for_load_state("load")
        refused = admin.get_by_role("table", name="Afviste kald, nyeste først")
        expect(refused.get_by_role("row").filter(has_text="/api/v1/payout-batches")).to_contain_text("403")
        look(admin, "api-client-refused")

        admin.goto(f"{base}/admin/integrationer")
        admin.get_by_role("button", name=f"Spær {name}").click()
        flash(admin, f"»{name}« er spærret.")
        status, headers, body = _call(f"{base}/api/v1/cases?limit=1", token)
        assert status == 401, "a blocked client's live token stops at once"
        assert json.loads(body)["title"] == "Adgangstoken mangler eller er ugyldigt"


class _Receiver(BaseHTTPRequestHandler):
    """A webhook receiver as an integrator would run one: keeps each request's headers and body, answers 204."""
    received: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def _verified(headers: dict, body: bytes, secret: str) -> bool:
    """Standard Webhooks: v1 = base64(HMAC-SHA256(base64-decoded whsec_ key, "{id}.{timestamp}.{body}"))."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(part == f"v1,{expected}" for part in headers["webhook-signature"].split())


def test_an_integrator_subscribes_a_webhook_and_receives_a_new_application_signed(browser, live_server):
    base, name = live_server, unique("Sagsoverblik")
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), type("Receiver", (_Receiver,), {"received": []}))
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{receiver.server_address[1]}/hooks/foreningsstotte"
    try:
        with actor(browser, base, "admin@demo.dk") as admin:
            admin.goto(f"{base}/admin/integrationer")
            admin.get_by_label("Integrationens navn").fill(name)
            admin.get_by_label("Læse hændelser (events:read)").check()
            admin.get_by_role("button", name="Opret integration").click()
            expect(admin.get_by_role("heading", name=f"»{name}« er oprettet")).to_be_visible()
            admin.get_by_role("link", name=name, exact=True).click()
            admin.wait_for_load_state("load")
            admin.get_by_label("Adresse (URL)").fill(hook)
            admin.get_by_label("En ansøgning er indsendt (case.submitted)").check()
            admin.get_by_role("button", name="Opret webhook").click()
            expect(admin.get_by_role("heading", name="Abonnementet er oprettet")).to_be_visible()
            secret = admin.locator(".alert-success code").inner_text()
            assert secret.startswith("whsec_")
            look(admin, "api-client-webhook")

        with actor(browser, base, "formand30@forening.example") as chair:
            number = apply_for(chair, base, 12_000)

        handler = receiver.RequestHandlerClass
        deadline = time.monotonic() + 20
        while not any(number.encode() in body for _h, body in handler.received) and time.monotonic() < deadline:
            time.sleep(0.2)
        mine = [(h, body) for h, body in handler.received if number.encode() in body]
        assert len(mine) == 1, f"the application {number} arrives once: {handler.received}"
        headers, body = mine[0]
        headers = {k.lower(): v for k, v in headers.items()}
        assert json.loads(body)["type"] == "case.submitted"
        assert _verified(headers, body, secret), "the signature verifies with the key shown once"

        with actor(browser, base, "admin@demo.dk") as admin:
            admin.goto(f"{base}/admin/integrationer")
            admin.get_by_role("link", name=name, exact=True).click()
            expect(admin.get_by_text("Leveret").first).to_be_visible()
            look(admin, "api-client-deliveries")
    finally:
        receiver.shutdown()

"""Issue 22 tried as an integrator would, against the running demo: the administrator registers a client in the
browser and reads its secret once, the integrator reads the API's reference page, fetches a token with the
client credentials over real HTTP, pages through the cases with the cursor, downloads a decision letter, and
stops working the moment the administrator blocks the client. The new pages are looked at (axe, 1280 and 360 px).
"""
from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import unique
from tests.e2e.staff_helpers import actor, flash, look

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

        admin.goto(f"{base}/admin/integrationer")
        admin.get_by_role("button", name=f"Spær {name}").click()
        flash(admin, f"»{name}« er spærret.")
        status, headers, body = _call(f"{base}/api/v1/cases?limit=1", token)
        assert status == 401, "a blocked client's live token stops at once"
        assert json.loads(body)["title"] == "Adgangstoken mangler eller er ugyldigt"

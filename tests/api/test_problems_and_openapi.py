"""Errors are RFC 9457 problem details (Danish, or English when asked); the OpenAPI 3.1 document and its page."""
from __future__ import annotations

import re

import pytest

from tests.api.conftest import bearer

PROBLEM = "application/problem+json"


def _is_problem(resp, status: int) -> dict:
    assert resp.status_code == status, resp.data
    assert resp.mimetype == PROBLEM
    body = resp.get_json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    assert body["instance"] == resp.request.path
    return body


@pytest.mark.parametrize("query", [{"cursor": "not-a-cursor"}, {"cursor": "W10"},
                                   {"cursor": "WyJhcGktcG9vbHMiLDAsWzFdXQ"}])  # the pools' cursor on the cases
def test_a_bad_cursor_is_400_not_a_fresh_start(client, cases, token, query):
    _is_problem(client.get("/api/v1/cases", query_string=query, headers=bearer(token)), 400)


@pytest.mark.parametrize("query", [{"limit": "abc"}, {"limit": "0"}, {"limit": "100000000000000000000"},
                                   {"updated_since": "yesterday"}, {"updated_since": "2027-03-01T09:00:00"},
                                   {"cursor": "x" * 2000}])
def test_bad_parameters_are_422_with_the_field_errors(client, cases, token, query):
    body = _is_problem(client.get("/api/v1/cases", query_string=query, headers=bearer(token)), 422)
    assert set(body["errors"]["query"]) == set(query)


def test_unknown_paths_wrong_methods_and_a_json_body_to_the_token_endpoint_are_no_500(client):
    _is_problem(client.get("/api/v1/nothing-here"), 404)
    _is_problem(client.delete("/api/v1/pools"), 405)
    resp = client.post("/api/v1/token", data="{not json", content_type="application/json")
    assert resp.status_code in (400, 401) and "error" in resp.get_json()


def test_danish_by_default_english_when_asked(client):
    danish = client.get("/api/v1/cases")
    assert danish.headers["Content-Language"] == "da"
    assert danish.get_json()["title"] == "Adgangstoken mangler eller er ugyldigt"
    english = client.get("/api/v1/cases", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.headers["Content-Language"] == "en"


def test_the_site_keeps_its_html_error_pages(client):
    resp = client.get("/no-such-page")
    assert resp.status_code == 404 and resp.mimetype == "text/html"


def test_openapi_document_is_3_1_and_describes_every_operation(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0" and spec["info"]["title"]
    api_rules = {re.sub(r"<int:(\w+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules()
                 if r.endpoint.startswith("api.")}
    assert set(spec["paths"]) == api_rules
    flows = spec["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]
    assert flows["tokenUrl"] == "/api/v1/token" and "cases:read" in flows["scopes"]
    cases = spec["paths"]["/api/v1/cases"]["get"]
    assert cases["security"] == [{"oauth2": ["cases:read"]}]
    assert {p["name"] for p in cases["parameters"]} == {"cursor", "limit", "updated_since"}
    assert spec["paths"]["/api/v1/pools"]["get"]["security"] == []
    assert "application/problem+json" in spec["components"]["responses"]["UNAUTHORIZED"]["content"]
    _refs_resolve(spec, spec)


def test_openapi_document_has_the_3_1_structure(client):
    """openapi-spec-validator is not installed, so the 3.1 shape is checked by hand: operations, answers, nulls."""
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, item in spec["paths"].items():
        assert path.startswith("/api/v1/")
        for method, op in item.items():
            assert method in ("get", "post", "put", "patch", "delete", "parameters")
            if method != "parameters":
                assert op["responses"] and all(code.isdigit() or code == "default" for code in op["responses"])
                assert op.get("summary")
    number = spec["components"]["schemas"]["Case"]["properties"]["number"]
    assert "nullable" not in number and "null" in number["type"]  # 3.1: JSON Schema's null, not 3.0's nullable


def _refs_resolve(node, spec) -> None:
    """Every $ref in the document points at something in it."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = spec
            for part in ref.removeprefix("#/").split("/"):
                target = target[part]
        for value in node.values():
            _refs_resolve(value, spec)
    elif isinstance(node, list):
        for value in node:
            _refs_resolve(value, spec)


def test_the_reference_page_is_rendered_here_without_a_cdn(client):
    resp = client.get("/api/v1/")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "GET /api/v1/cases" in page and "cases:read" in page and "/api/v1/openapi.json" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()

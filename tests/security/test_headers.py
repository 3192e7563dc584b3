"""Security headers on every kind of response, HSTS only where configured, and no inline code in templates."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import create_app
from app.security import CONTENT_SECURITY_POLICY
from config import ProductionConfig, TestingConfig

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"


def _assert_common(resp) -> None:
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in resp.headers["Permissions-Policy"]
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path, status", [
    ("/", 200), ("/konto/log-ind", 200), ("/findes-ikke", 404), ("/static/app.js", 200),
    ("/static/dkfds/css/dkfds.min.css", 200),
])
def test_every_response_has_the_headers(client, path, status):
    resp = client.get(path)
    assert resp.status_code == status
    _assert_common(resp)
    assert resp.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "Strict-Transport-Security" not in resp.headers  # not in development or tests


def test_policy_allows_no_inline_script_or_style():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["default-src"] == "'self'"
    assert directives["img-src"] == "'self' data:" and directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_error_and_redirect_responses_have_the_headers(client):
    resp = client.get("/sagsbehandling/")  # staff page, not logged in: a redirect to the log-in page
    assert resp.status_code == 302
    _assert_common(resp)
    resp = client.post("/konto/log-ind", data={"email": "x"})
    _assert_common(resp)


def test_pdf_documents_keep_frame_protection_without_the_page_policy(app, auth, factory):
    from app.extensions import db
    member = factory.user(email="m@example.dk")
    association = factory.association(members=(member,))
    doc = factory.document(association=association, data=b"%PDF-1.4\n%%EOF\n", content_type="application/pdf",
                           filename="a.pdf")
    db.session.commit()
    auth.login(member.email)
    resp = auth._client.get(f"/forening/dokumenter/{doc.id}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.headers["Content-Security-Policy"].startswith("frame-ancestors 'none'")
    assert resp.headers["X-Frame-Options"] == "DENY" and resp.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_only_when_enabled(database_template, tmp_path):
    app = create_app(TestingConfig, HSTS_ENABLED=True, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite'}",
                     MAIL_LOG_PATH=str(tmp_path / "mail.log"))
    resp = app.test_client().get("/static/app.js")
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert ProductionConfig.HSTS_ENABLED is True and TestingConfig.HSTS_ENABLED is False


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"<[a-z][^>]*\sstyle=\"", re.I), "style= attribute"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+=", re.I), "on*= event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_inline_code(path):
    text = path.read_text(encoding="utf-8")
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert not found, f"{path.name}: {found} (the Content Security Policy blocks it; use app/static/)"


def _no_store(resp) -> bool:
    return "no-store" in resp.headers.get("Cache-Control", "")


def test_pages_with_personal_data_are_not_stored_by_any_cache(app, auth, factory):
    from app.extensions import db
    member = factory.user(email="m@example.dk")
    association = factory.association(members=(member,))
    doc = factory.document(association=association, data=b"%PDF-1.4\n%%EOF\n", content_type="application/pdf",
                           filename="a.pdf")
    db.session.commit()
    client = auth._client
    assert _no_store(client.get("/konto/log-ind"))  # sets the session cookie (the form's CSRF token)
    assert not _no_store(client.get("/static/app.js"))
    auth.login(member.email)
    for path in ("/", "/forening/", f"/forening/dokumenter/{doc.id}", "/findes-ikke", "/privatliv/"):
        resp = client.get(path)
        assert "no-store" in resp.headers["Cache-Control"], (path, resp.status_code, resp.headers.get("Cache-Control"))
    static = client.get("/static/app.js")  # static files keep caching, also for a logged-in user
    assert static.status_code == 200 and not _no_store(static)


def test_a_token_link_is_not_stored(client):
    assert _no_store(client.get("/konto/ny-adgangskode/not-a-valid-token"))


def test_csv_downloads_name_their_charset_once(client, auth):
    from tests.security.world import LOGINS, PASSWORD, shared_world
    world = shared_world()
    auth.login(LOGINS["caseworker"], PASSWORD)
    for path in ("/indikatorer/eksport.csv", f"/udbetalinger/bunker/{world['batch_id']}/udbetaling.csv",
                 f"/udbetalinger/bunker/{world['batch_id']}/manuel.csv"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert resp.headers["Content-Type"] == "text/csv; charset=utf-8", path
        assert "no-store" in resp.headers["Cache-Control"], path

"""Hostile input to every form: random and nasty values never give a 500, a partial write or unescaped HTML.

For each role, every page the access matrix lets it open is fetched, every POST form on it is read the way a
browser sees it, and hypothesis fills the fields with overlong text, NUL bytes, HTML and script, wrong
numbers and dates, unknown choices, and files whose names try to escape the upload folder.
"""
from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from app.extensions import db
from urllib.parse import urlencode

from tests.security.html_forms import Form, get_forms, post_forms
from tests.security.test_access_matrix import OK, RULES, RUN_LAST, _requests, _url
from tests.security.world import LOGINS, PASSWORD, shared_world

MARK = '<script>alert("fz")</script>'
HOSTILE_TEXT = [
    MARK, '"><img src=x onerror=alert(1)>', "x" * 100_000, "a\x00b", "\x00", "' OR 1=1 --", "../../../etc/passwd",
    "\u202eevil\u202c", "😀" * 50, "   ", "", "-1", "99999999999999999999", "1e309", "NaN", "2026-02-30",
    "{{ 7*7 }}", "%s%s%n", "\r\nSet-Cookie: x=1", "<b>fed</b>",
]
HOSTILE_NAMES = ["../../etc/passwd", "..\\..\\windows\\win.ini", "a\x00b.pdf", "/etc/shadow", "CON", "",
                 "x" * 500 + ".pdf", "<script>.pdf"]
FILE_BODIES = [b"%PDF-1.4\n%%EOF\n", b"\x89PNG\r\n\x1a\n", b"", b"\x00" * 64, b"MZ\x90\x00 not really"]
# Tables that legitimately grow when a refused request is logged (none of them hold the refused input).
LOG_TABLES = {"read_events", "admin_events"}
EXAMPLES = 4


def _strategy(f):
    if f.kind in ("select", "radio") and f.options:
        return st.sampled_from(f.options + ["999999", MARK])
    if f.kind == "checkbox":
        return st.sampled_from([f.value or "y", "", MARK])
    if f.kind in ("hidden", "button") and f.name in ("csrf_token", "version", "expected_version"):
        return st.just(f.value)
    if f.kind == "file":
        return st.tuples(st.sampled_from(FILE_BODIES), st.sampled_from(HOSTILE_NAMES))
    return st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40))


def _files_fresh(payload: dict) -> dict:
    """File fields as new streams for each request (a stream is read once)."""
    return {k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v for k, v in payload.items()}


def _counts() -> dict[str, int]:
    tables = [t for t in db.metadata.sorted_tables if t.name not in LOG_TABLES]
    return {t.name: db.session.scalar(db.select(db.func.count()).select_from(t)) for t in tables}


def _refused(resp) -> bool:
    """The app said no: a 4xx, or the page again with an error summary."""
    return 400 <= resp.status_code < 500 or (resp.status_code == 200 and b"error-summary" in resp.data)


def _pages(app, role: str, world: dict) -> list[str]:
    return [_url(r, world) for endpoint, method, r in _requests(app)
            if method == "GET" and RULES.get(endpoint, {}).get(role) == OK and endpoint not in RUN_LAST
            and endpoint != "static"]


def _forms(client, pages: list[str]) -> list[Form]:
    seen, out = set(), []
    for url in pages:
        resp = client.get(url)
        if resp.status_code != 200 or not resp.content_type.startswith("text/html"):
            continue
        for form in post_forms(resp.get_data(as_text=True), url):
            if form.key() not in seen and "/log-ud" not in form.action and "/forlad" not in form.action:
                seen.add(form.key())
                out.append(form)
    return out


def _check(resp, form: Form, before: dict) -> None:
    assert resp.status_code < 500, f"{resp.status_code} from POST {form.action}"
    body = resp.get_data(as_text=True) if resp.content_type.startswith("text/") else ""
    assert MARK not in body, f"unescaped script in the answer to POST {form.action}"
    if _refused(resp):
        db.session.rollback()
        after = _counts()
        changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
        assert not changed, f"POST {form.action} was refused but wrote rows: {changed}"


@pytest.mark.parametrize("role", ["visitor", "member_a", "caseworker", "committee_member", "administrator"])
def test_hostile_input_to_every_form(app, client, auth, role):
    world = shared_world()
    from tests.security.test_access_matrix import _booking_case
    world["booking_case_id"] = _booking_case(world["booking_id"])
    if role != "visitor":
        auth.login(LOGINS[role], PASSWORD)
    forms = _forms(client, _pages(app, role, world))
    assert forms, f"{role} sees no forms"

    for form in forms:
        _fuzz(client, form)
    for url in _pages(app, role, world):  # everything typed is escaped wherever it shows up again
        resp = client.get(url)
        assert resp.status_code < 500, url
        if resp.content_type.startswith("text/html"):
            assert MARK not in resp.get_data(as_text=True), f"unescaped script on {url}"


def _fuzz(client, form: Form) -> None:
    """Post `EXAMPLES` hostile fillings of one form."""
    strategy = st.fixed_dictionaries({f.name: _strategy(f) for f in form.fields})

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(strategy)
    def post_hostile(payload):
        db.session.rollback()
        before = _counts()
        try:
            resp = client.post(form.action, data=_files_fresh(payload), content_type="multipart/form-data")
        except Exception as exc:  # TESTING propagates what would be a 500
            raise AssertionError(f"POST {form.action} raised {exc!r}") from exc
        _check(resp, form, before)

    post_hostile()


def test_the_parser_reads_fields(app):
    html = ('<form method="post" action="/x"><input name="csrf_token" type="hidden" value="t">'
            '<input name="title"><textarea name="body"></textarea><select name="pool"><option value="1">A</option>'
            '</select><input type="file" name="file"><button name="go" value="save">Gem</button></form>'
            '<form method="get" action="/s"><input name="q"></form>')
    (form,) = post_forms(html, "/page")
    assert form.action == "/x"
    assert [(f.name, f.kind) for f in form.fields] == [("csrf_token", "hidden"), ("title", "text"),
                                                       ("body", "textarea"), ("pool", "select"),
                                                       ("file", "file"), ("go", "button")]
    assert form.fields[3].options == ["1"]


# Query values aimed at the database: a NUL byte (PostgreSQL refuses it in text), numbers no integer column
# holds, and text that was not UTF-8. Sent to every search and filter form and to every page.
HOSTILE_QUERY = ["a\x00b", "9" * 30, str(2 ** 31), str(2 ** 63), "-" + "9" * 30]


@pytest.mark.parametrize("role", ["visitor", "member_a", "caseworker", "administrator"])
def test_hostile_query_strings_on_every_page(app, client, auth, role):
    world = shared_world()
    from tests.security.test_access_matrix import _booking_case
    world["booking_case_id"] = _booking_case(world["booking_id"])
    if role != "visitor":
        auth.login(LOGINS[role], PASSWORD)
    wrong, filters = [], 0
    for url in _pages(app, role, world):
        resp = client.get(url + "?q=a%00b")
        if resp.status_code != 400:
            wrong.append(f"GET {url}?q=a%00b: {resp.status_code}")
        resp = client.get(url + "?q=%ff%fe")
        if resp.status_code >= 500:
            wrong.append(f"GET {url}?q=%ff%fe: {resp.status_code}")
        page = client.get(url)
        if page.status_code != 200 or not page.content_type.startswith("text/html"):
            continue
        for form in get_forms(page.get_data(as_text=True), url):
            filters += 1
            for value in HOSTILE_QUERY:
                query = urlencode({f.name: value for f in form.fields if f.kind != "button"})
                resp = client.get(f"{form.action.split('?')[0]}?{query}")
                if resp.status_code >= 500:
                    wrong.append(f"GET {form.action}?{query}: {resp.status_code}")
    assert not wrong, "\n".join(wrong)
    assert filters or role == "visitor"

"""What a request may carry before a view sees it, and which responses no cache may keep.

- A NUL byte, another control character or an undecodable byte (shown as U+FFFD) in the path answers
  404; a NUL byte in a query or form value answers 400. PostgreSQL refuses NUL in text, so such a value
  would otherwise reach the database as a 500 (`/puljer/a%00`).
- `<int:...>` in a route and `.get(..., type=int)` on query and form values accept only numbers that fit
  the database's integer columns; a longer number is no id (404) or no value (the default).
- Every non-static response to a logged-in user, and every one that sets the session cookie or answers a
  token link, carries `Cache-Control: no-store`: these pages hold personal data. Static files keep caching.
"""
from __future__ import annotations

from flask import Flask, Request, Response, abort, request, session
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

# PostgreSQL's `integer`, the type of every id and number column.
INT_MIN, INT_MAX = -(2 ** 31), 2 ** 31 - 1
# Control characters (C0, DEL) and the replacement character Werkzeug puts where bytes were not UTF-8.
_BAD_PATH_CHARS = frozenset(chr(c) for c in range(32)) | {"\x7f", "\ufffd"}


def bounded_int(value: object) -> int:
    """int(value), refusing what does not fit a database integer (ValueError, as int() does)."""
    number = int(value)  # type: ignore[call-overload]
    if not INT_MIN <= number <= INT_MAX:
        raise ValueError("number out of range")
    return number


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` with at most ten digits and a value that fits a database integer; else no match (404)."""

    regex = r"\d{1,10}"

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


class BoundedMultiDict(ImmutableMultiDict):
    """Query and form values: `.get(key, type=int)` gives the default for a number no column can hold."""

    def get(self, key, default=None, type=None):  # noqa: A002 (Werkzeug's own signature)
        return super().get(key, default, bounded_int if type is int else type)


class GuardedRequest(Request):
    parameter_storage_class = BoundedMultiDict


def register(app: Flask) -> None:
    """Install the converter and request class (before any blueprint is registered) and the hooks."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.request_class = GuardedRequest
    app.before_request(refuse_unusable_input)
    app.after_request(forbid_caching_personal_pages)


def refuse_unusable_input() -> None:
    """404 for a path no route can mean, 400 for a NUL byte in a value."""
    if any(ch in _BAD_PATH_CHARS for ch in request.path):
        abort(404)
    if _has_nul(request.args) or (request.method != "GET" and _has_nul(request.form)):
        abort(400)


def _has_nul(values: ImmutableMultiDict) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def forbid_caching_personal_pages(response: Response) -> Response:
    """`Cache-Control: no-store` on what holds personal data (see the module docstring)."""
    if request.endpoint == "static":
        return response
    if current_user.is_authenticated or session.modified or "token" in (request.view_args or {}):
        if "no-store" not in response.headers.get("Cache-Control", ""):  # a view's stricter "private, no-store" stays
            response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response

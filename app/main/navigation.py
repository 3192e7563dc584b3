"""Where each role lands, the navigation per role, and safe redirects."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import request
from flask_babel import lazy_gettext as _l

HOMES = {
    "member": "portal.home",
    "caseworker": "staff.home",
    "committee_member": "staff.committee_home",
    "administrator": "admin.home",
}

NAV = {
    None: [("main.index", _l("Forside")), ("main.pools", _l("Find støtte")), ("main.workflows_index", _l("Sådan behandler vi sager"))],
    "member": [("portal.home", _l("Vores forening")), ("main.pools", _l("Find støtte"))],
    "caseworker": [("staff.home", _l("Sager")), ("main.pools", _l("Puljer"))],
    "committee_member": [("staff.committee_home", _l("Udvalg")), ("main.pools", _l("Puljer"))],
    "administrator": [("admin.home", _l("Administration")), ("admin.users", _l("Brugere")),
                      ("staff.home", _l("Sager")), ("main.pools", _l("Puljer"))],
}


def home_endpoint(user: object) -> str:
    """The endpoint of a user's home page."""
    if not getattr(user, "is_authenticated", False):
        return "main.index"
    return HOMES.get(user.role, "main.index")


def nav_items(user: object) -> list[tuple[str, str]]:
    """(endpoint, label) pairs for the header navigation."""
    role = user.role if getattr(user, "is_authenticated", False) else None
    return NAV.get(role, NAV[None])


def safe_next(target: str | None) -> str | None:
    """Return `target` only if it is a local path on this site (no open redirects)."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def current_path() -> str:
    """The path and query of this request, for 'come back here' links."""
    qs = request.query_string.decode("utf-8", "replace")
    return request.path + (f"?{qs}" if qs else "")

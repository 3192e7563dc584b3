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
    "caseworker": [("staff.home", _l("Sager")), ("main.pools", _l("Puljer")),
                   ("approvals.requests", _l("Godkendelser"))],
    "committee_member": [("staff.committee_home", _l("Udvalg")), ("main.pools", _l("Puljer"))],
    "administrator": [("admin.home", _l("Administration")), ("admin.users", _l("Brugere")),
                      ("staff.home", _l("Sager")), ("main.pools", _l("Puljer")),
                      ("approvals.requests", _l("Godkendelser"))],
}
# Premises (lokaler): the public catalogue, the association's bookings, the caseworkers' requests.
for _role, _endpoint in ((None, "premises.catalogue_page"), ("member", "premises.mine"),
                         ("caseworker", "premises.requests"), ("administrator", "premises.admin_home")):
    NAV[_role].append((_endpoint, _l("Lokaler")))
# Administration: setting up pools, their criteria and application forms.
NAV["administrator"].append(("admin.pools_index", _l("Puljeopsætning")))
# After the decision: payouts, reports, indicators; the public pages; the association's report and listing.
for _role in ("caseworker", "administrator"):
    NAV[_role] += [("payouts.home", _l("Udbetalinger")), ("reporting.staff_list", _l("Afrapportering")),
                   ("indicators.dashboard", _l("Indikatorer"))]
NAV["committee_member"].append(("indicators.dashboard", _l("Indikatorer")))
NAV[None] += [("directory.search", _l("Foreninger")), ("opendata.given", _l("Støtte givet"))]
NAV["member"] += [("reporting.member_list", _l("Afrapportering")), ("directory.mine", _l("Foreningsoversigt"))]
# Committee meetings (all staff), and the administrators' overview of e-mails and letters sent.
for _role in ("committee_member", "caseworker", "administrator"):
    NAV[_role].append(("committee.meetings_index", _l("Møder")))
NAV["administrator"].append(("notices_admin.index", _l("Beskeder")))


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

"""Where each role lands, and the header navigation per role: data, read top to bottom."""
from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l

HOMES = {
    "member": "portal.home",
    "caseworker": "staff.home",
    "committee_member": "staff.committee_home",
    "administrator": "admin.home",
}

# One table per role, in the order the header shows it (None is the visitor who is not logged in).
NAV: dict[str | None, tuple[tuple[str, str], ...]] = {
    None: (
        ("main.index", _l("Forside")),
        ("main.pools", _l("Find støtte")),
        ("main.workflows_index", _l("Sådan behandler vi sager")),
        ("premises.catalogue_page", _l("Lokaler")),
        ("directory.search", _l("Foreninger")),
        ("opendata.given", _l("Støtte givet")),
    ),
    "member": (
        ("portal.home", _l("Vores forening")),
        ("main.pools", _l("Find støtte")),
        ("premises.mine", _l("Lokaler")),
        ("reporting.member_list", _l("Afrapportering")),
        ("annual.member_home", _l("Årlig indberetning")),
        ("directory.mine", _l("Foreningsoversigt")),
    ),
    "caseworker": (
        ("staff.home", _l("Sager")),
        ("main.pools", _l("Puljer")),
        ("approvals.requests", _l("Godkendelser")),
        ("annual.campaigns_index", _l("Årlig indberetning")),
        ("premises.requests", _l("Lokaler")),
        ("payouts.home", _l("Udbetalinger")),
        ("staff.subsidy_schemes", _l("Beregnede tilskud")),
        ("reporting.staff_list", _l("Afrapportering")),
        ("indicators.dashboard", _l("Indikatorer")),
        ("committee.meetings_index", _l("Møder")),
    ),
    "committee_member": (
        ("staff.committee_home", _l("Udvalg")),
        ("main.pools", _l("Puljer")),
        ("indicators.dashboard", _l("Indikatorer")),
        ("committee.meetings_index", _l("Møder")),
    ),
    "administrator": (
        ("admin.home", _l("Administration")),
        ("admin.users", _l("Brugere")),
        ("staff.home", _l("Sager")),
        ("main.pools", _l("Puljer")),
        ("approvals.requests", _l("Godkendelser")),
        ("annual.campaigns_index", _l("Årlig indberetning")),
        ("premises.admin_home", _l("Lokaler")),
        ("admin.pools_index", _l("Puljeopsætning")),
        ("payouts.home", _l("Udbetalinger")),
        ("staff.subsidy_schemes", _l("Beregnede tilskud")),
        ("reporting.staff_list", _l("Afrapportering")),
        ("indicators.dashboard", _l("Indikatorer")),
        ("committee.meetings_index", _l("Møder")),
        ("notices_admin.index", _l("Beskeder")),
    ),
}


def home_endpoint(user: object) -> str:
    """The endpoint of a user's home page."""
    if not getattr(user, "is_authenticated", False):
        return "main.index"
    return HOMES.get(user.role, "main.index")


def nav_items(user: object) -> tuple[tuple[str, str], ...]:
    """(endpoint, label) pairs for the header navigation."""
    role = user.role if getattr(user, "is_authenticated", False) else None
    return NAV.get(role, NAV[None])


def current_path() -> str:
    """The path and query of this request, for 'come back here' links."""
    qs = request.query_string.decode("utf-8", "replace")
    return request.path + (f"?{qs}" if qs else "")

"""The access matrix: every route of the app, for every role, against association A's objects.

Routes come from the URL map, so a new route without a rule here fails `test_every_route_has_a_rule`.
Each rule says, per role, what a request gets: OK (the page or the action's normal answer), LOGIN (sent to
log in), 403, or 404 (another association's object: we don't say it exists). A 500 is always a failure.
"""
from __future__ import annotations

import pytest
from flask import Flask

from tests.security.world import LOGINS, PASSWORD, shared_world

OK, LOGIN, UNAUTHORIZED, FORBIDDEN, NOT_FOUND = "ok", "login", 401, 403, 404
ROLES = ("visitor", "member_a", "member_b", "caseworker", "committee_member", "administrator")
STAFF = ("caseworker", "committee_member", "administrator")


def rule(visitor=OK, member_a=OK, member_b=OK, caseworker=OK, committee_member=OK, administrator=OK) -> dict:
    return dict(visitor=visitor, member_a=member_a, member_b=member_b, caseworker=caseworker,
                committee_member=committee_member, administrator=administrator)


PUBLIC = rule()
# Anyone, logged in or not; the page itself decides by the token (invalid tokens get a friendly answer).
TOKEN = rule()
# A's own object: A's members only; B's member gets 404 (nothing leaks); staff use their own pages.
OWN = rule(LOGIN, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN)
# Any association member, no object of A involved.
MEMBERS = rule(LOGIN, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)
# Any logged-in user (account pages).
LOGGED_IN = rule(LOGIN, OK, OK, OK, OK, OK)
# The integration API's protected calls: a bearer token or 401; a logged-in session opens nothing.
BEARER = rule(*(UNAUTHORIZED,) * 6)
NO_SSO = rule(*(NOT_FOUND,) * 6)


def staff(*roles: str) -> dict:
    """Staff pages: members 403, the listed staff roles OK, other staff 403."""
    return rule(LOGIN, FORBIDDEN, FORBIDDEN, *(OK if r in roles else FORBIDDEN for r in STAFF))


ADMIN = staff("administrator")
CASEWORK = staff("caseworker", "administrator")
ALL_STAFF = staff(*STAFF)
COMMITTEE = staff("committee_member")
MEETINGS = staff("committee_member", "caseworker", "administrator")

RULES: dict[str, dict] = {
    # Public pages
    "main.index": PUBLIC, "main.home": LOGGED_IN, "main.pools": PUBLIC, "main.pool_detail": PUBLIC,
    "main.workflows_index": PUBLIC, "main.workflow": PUBLIC, "main.accessibility": PUBLIC,
    "opendata.about": PUBLIC, "opendata.package": PUBLIC, "opendata.given": PUBLIC,
    "directory.search": PUBLIC, "directory.listing": PUBLIC, "static": PUBLIC, "i18n.set_language": PUBLIC,
    "premises.catalogue_page": PUBLIC, "premises.space": PUBLIC, "premises.month": PUBLIC, "premises.week": PUBLIC,
    "premises.feed": TOKEN,
    # The integration API (/api/v1): the document, its page and the pools are public; cases need a bearer
    # token whoever is logged in. The token endpoint answers an empty form with OAuth's 400 (no grant_type).
    "api-docs.openapi_json": PUBLIC, "api_reference.reference": PUBLIC, "api.pools": PUBLIC, "api.token": PUBLIC,
    "api.cases": BEARER, "api.case": BEARER, "api.associations": BEARER, "api.case_journal": BEARER,
    "api.case_decisions": BEARER, "api.case_documents": BEARER, "api.document": BEARER,
    "api.esdh_journal_number": BEARER, "api.add_document": BEARER, "api.payment_plan": BEARER,
    "api.payout_batches": BEARER, "api.payout_lines": BEARER, "api.payout_line_result": BEARER,
    "api.spaces": BEARER, "api.bookings": BEARER, "api.event_feed": BEARER,
    # Accounts
    "auth.login": PUBLIC, "auth.signup": PUBLIC, "auth.reset_request": PUBLIC, "auth.reset": TOKEN,
    # A confirmed address sends a visitor on to log in, a logged-in user home.
    "auth.confirm": rule(visitor=LOGIN), "auth.logout": PUBLIC,
    "auth.resend_confirmation": LOGGED_IN,
    # MitID through NemLog-in: not configured in this world, so not there for anyone (404); configured, they are
    # public protocol endpoints (tests/auth/test_nemlogin.py). The e-mail question needs a log-in.
    **{f"auth.nemlogin_{name}": rule(*(NOT_FOUND,) * 6) for name in ("metadata", "login", "acs", "slo")},
    "auth.nemlogin_email": LOGGED_IN,
    # Two-factor: the code and enrolment pages belong to a half-finished log-in (none: sent to log in);
    # a logged-in user is sent home, or may switch two-factor on. The security page is everyone's own.
    "auth.two_factor": rule(visitor=LOGIN), "auth.two_factor_setup": rule(visitor=LOGIN),
    "auth.security": LOGGED_IN, "auth.security_recovery_codes": LOGGED_IN, "auth.security_disable": LOGGED_IN,
    "auth.security_log_out_everywhere": LOGGED_IN, "auth.two_factor_enrol": TOKEN,
    # Staff single sign-on: 404 while no IdP is configured (as here); configured, anyone may start a log-in and
    # the IdP decides (tests/auth/test_single_sign_on.py).
    "auth.sso_start": NO_SSO, "auth.sso_callback": NO_SSO, "auth.sso_backchannel_logout": NO_SSO,
    # The association's portal
    "portal.home": MEMBERS, "portal.register": MEMBERS, "portal.invitation": TOKEN,
    # Accepting an invitation meant for someone else's e-mail is refused inside the view with a message.
    "portal.accept_invitation": MEMBERS,
    "portal.association": OWN, "portal.board_page": OWN, "portal.declaration": OWN, "portal.leave": OWN,
    "portal.request_approval": OWN, "portal.cancel_invitation": OWN, "portal.answer_claim": OWN, "portal.invite": OWN,
    "portal.remove_member": OWN, "portal.change_role": OWN, "portal.document": OWN, "portal.case": OWN,
    "portal.case_action": OWN, "portal.case_reply": OWN, "portal.letter": OWN,
    "applying.start": MEMBERS, "applying.resume": OWN, "applying.submit": OWN, "applying.receipt": OWN,
    "applying.receipt_pdf": OWN, "applying.summary": OWN, "applying.step": OWN,
    "reporting.member_list": MEMBERS, "reporting.member_report": OWN, "reporting.member_letter": OWN,
    "annual.member_home": MEMBERS, "annual.association_years": OWN, "annual.report_form": OWN, "annual.receipt": OWN,
    "directory.mine": MEMBERS, "directory.edit": OWN,
    "premises.request_form": MEMBERS, "premises.mine": MEMBERS, "premises.cancel": OWN,
    "premises.renew_association_feed": OWN, "premises.delete_wish": OWN, "premises.seasons": MEMBERS,
    "premises.wishes": OWN, "premises.submit_wishes": OWN,
    # The caseworker's workspace
    "staff.home": CASEWORK, "staff.queue_counts": CASEWORK, "staff.document": ALL_STAFF, "staff.case": ALL_STAFF, "staff.case_action": ALL_STAFF,
    "staff.decision_preview": ALL_STAFF, "staff.decision_preview_pdf": ALL_STAFF,
    "staff.declare_conflict": ALL_STAFF, "staff.add_note": CASEWORK, "staff.request_information": CASEWORK,
    "staff.confirm_hearing": CASEWORK, "staff.assign": CASEWORK, "staff.save_assessment": CASEWORK,
    "staff.committee_home": staff("committee_member", "administrator"),
    "annual.campaigns_index": CASEWORK, "annual.staff_list": CASEWORK, "annual.review_report": CASEWORK,
    "annual.ask": CASEWORK, "annual.approve": CASEWORK, "annual.declare_conflict": CASEWORK,
    "annual.campaign_new": ADMIN, "annual.campaign_edit": ADMIN, "annual.campaign_status": ADMIN,
    "approvals.requests": CASEWORK, "approvals.reject": CASEWORK, "approvals.approve": CASEWORK,
    "approvals.apply_register_change": CASEWORK, "approvals.dismiss_register_change": CASEWORK,
    "reporting.staff_list": CASEWORK, "reporting.settle_claim": CASEWORK, "reporting.staff_case": CASEWORK,
    "reporting.staff_action": CASEWORK, "reporting.create_claim": CASEWORK,
    "payouts.home": CASEWORK, "payouts.create_batch": CASEWORK, "payouts.batch": CASEWORK,
    "payouts.change_batch": CASEWORK, "payouts.manual_file": CASEWORK, "payouts.payment_file": CASEWORK,
    "payouts.create_plans": CASEWORK, "payouts.answer_batch": CASEWORK, "payouts.payment_order": CASEWORK,
    "payouts.import_status": CASEWORK,
    # Asked only of an informal group in a pool that allows Digital Post by CPR (tests/applying/test_contact_cpr.py);
    # A's own draft is sent on through its form, B gets 404.
    "applying.contact_cpr_page": OWN,
    "indicators.dashboard": ALL_STAFF, "indicators.export": ALL_STAFF,
    "premises.rounds": CASEWORK, "premises.round_page": MEETINGS, "premises.allocate": CASEWORK,
    "premises.publish": CASEWORK, "premises.to_committee": CASEWORK, "premises.requests": CASEWORK,
    "premises.review": CASEWORK, "premises.confirm_hearing": CASEWORK, "premises.staff_cancel": CASEWORK,
    # The committee
    "committee.meetings_index": MEETINGS, "committee.meeting": MEETINGS, "committee.minutes": MEETINGS,
    "committee.create_meeting": CASEWORK, "committee.add_cases": CASEWORK, "committee.remove_case": CASEWORK,
    "committee.correct_decision": CASEWORK, "committee.case_decisions": CASEWORK, "committee.answer_correction": CASEWORK,
    "committee.close": COMMITTEE, "committee.record": COMMITTEE, "committee.declare_conflict": COMMITTEE,
    # Calculated subsidies: caseworkers calculate and plan; members see a batch on their committee's agenda.
    "staff.subsidy_schemes": CASEWORK, "staff.calculate_subsidy_batch": CASEWORK, "staff.subsidy_batch": MEETINGS,
    "staff.subsidy_batch_to_agenda": CASEWORK, "committee.record_batch": COMMITTEE, "committee.declare_batch_conflict": COMMITTEE, "committee.remove_batch": CASEWORK,
    "staff.settle_subsidy_batch": CASEWORK,  # settle an approved lokaletilskud batch against next year's reports
    # Read log and the case file (partsaktindsigt)
    "privacy.association_reads": OWN, "privacy.my_reads": LOGGED_IN, "privacy.case_reads": CASEWORK,
    "privacy.staff_export": CASEWORK, "privacy.member_export": OWN,
    # Personal data (GDPR): own data for everyone; an association's export for its chair and caseworkers
    "privacy.mine": LOGGED_IN, "privacy.export_mine": LOGGED_IN,
    "privacy.export_association": rule(LOGIN, OK, NOT_FOUND, OK, FORBIDDEN, OK),
    "privacy.export_association_lookup": CASEWORK, "privacy.export_user_lookup": ADMIN,
    "privacy.delete_account": MEMBERS, "privacy.retention_rules": ADMIN,
    "privacy.run_retention": ADMIN,
    # Administration
    "notices_admin.index": ADMIN, "notices_admin.retry": ADMIN, "admin.user_reset_two_factor": ADMIN,
    "premises.admin_home": ADMIN, "premises.space_form": ADMIN, "premises.space_hours": ADMIN,
    "premises.renew_space_feed": ADMIN, "premises.closure_add": ADMIN, "premises.closure_delete": ADMIN,
    "premises.location_form": ADMIN, "premises.equipment_form": ADMIN,
}
RULES.update({endpoint: ADMIN for endpoint in (
    "admin.home", "admin.letter_settings", "admin.users", "admin.user_active", "admin.journal", "admin.pools_index",
    "admin.pool_edit", "admin.pool_copy", "admin.criteria", "admin.criterion_edit", "admin.criterion_delete",
    "admin.pool_publish", "admin.form_builder", "admin.form_version_action", "admin.form_add_field",
    "admin.form_edit_field", "admin.form_field_action", "admin.form_preview", "admin.form_start_draft",
    "admin.form_add_step", "admin.form_edit_step", "admin.form_step_action", "admin.questions", "admin.pool_new",
    "admin.committees", "admin.committee_edit", "admin.legal_bases", "admin.legal_basis_edit",
    "admin.schemes_index", "admin.scheme_new", "admin.scheme_edit", "admin.api_clients_index",
    "admin.api_client_revoke", "admin.api_client_detail", "admin.webhook_end", "admin.webhook_send_again",
    "admin.webhook_skip")})

# Which of A's objects a route's <case_id> means, where the decided case is not the natural one.
CASE_FOR = {"applying.resume": "draft_case_id", "applying.submit": "draft_case_id", "applying.summary": "draft_case_id",
            "applying.step": "draft_case_id", "applying.contact_cpr_page": "draft_case_id",
            "premises.review": "booking_case_id",
            "premises.confirm_hearing": "booking_case_id"}
# Which token a route's <token> is: each route gets a valid one of its own kind.
TOKEN_FOR = {"auth.confirm": "confirm_token", "auth.reset": "reset_token", "auth.two_factor_enrol": "enrol_token",
             "premises.feed": "feed_token",
             "portal.invitation": "token", "portal.accept_invitation": "token"}
# Requests that change who the user is to A run last in a role's round, in this order. Accepting an
# invitation with another address than the invited one only asks A's chair to confirm (B's member does not
# join A by holding the link); it still runs late, as it changes the invitation.
# Using an enrolment link opens set-up in the session for the link's user, so it runs after the set-up page.
RUN_LAST = ("auth.two_factor_enrol", "admin.criterion_delete", "portal.remove_member", "portal.change_role",
            "admin.user_active", "portal.leave",
            "portal.accept_invitation", "auth.logout")
CHOICE = {"what": None, "step": None, "fmt": None}  # <any(...)> arguments: the first choice


def _requests(app: Flask) -> list[tuple[str, str, object]]:
    """(endpoint, method, rule) for every route and method, GETs first, RUN_LAST at the very end."""
    out = []
    for r in app.url_map.iter_rules():
        for method in sorted(r.methods - {"HEAD", "OPTIONS"}):
            out.append((r.endpoint, method, r))
    return sorted(out, key=lambda t: (RUN_LAST.index(t[0]) if t[0] in RUN_LAST else -1, t[1] != "GET", t[0],
                                      t[2].rule))


def _url(r, world: dict) -> str:
    url = r.rule
    for name, converter in r._converters.items():
        if getattr(converter, "items", None):
            value = sorted(converter.items)[0]
        elif name == "token":
            value = world[TOKEN_FOR[r.endpoint]]
        elif name == "meeting_id" and r.endpoint == "committee.minutes":
            value = world["minutes_meeting_id"]  # minutes exist once a meeting is closed
        elif name == "case_id":
            value = world[CASE_FOR.get(r.endpoint, "case_id")]
        else:
            value = world[name]
        url = url.replace(f"<{_spec(r, name)}>", str(value))
    return url


def _spec(r, name: str) -> str:
    """The '<int:case_id>' text of argument `name` in the rule."""
    import re
    return re.search(r"<([^>]*:)?" + name + r">", r.rule).group(0)[1:-1]


def _outcome(resp) -> object:
    if resp.status_code >= 500:
        return resp.status_code
    if resp.status_code in (301, 302, 303) and "/konto/log-ind" in (resp.location or ""):
        return LOGIN
    if resp.status_code in (401, 403, 404):
        return resp.status_code
    return OK


def test_every_route_has_a_rule(app):
    missing = sorted({r.endpoint for r in app.url_map.iter_rules()} - set(RULES))
    assert not missing, f"routes with no access rule in tests/security/test_access_matrix.py: {missing}"
    stale = sorted(set(RULES) - {r.endpoint for r in app.url_map.iter_rules()})
    assert not stale, f"rules for routes that no longer exist: {stale}"


def test_rules_agree_with_the_views_declared_roles(app):
    """Where a view declares its roles (require_role), the rule's 403s are exactly the other roles."""
    as_role = {"member_a": "member", "member_b": "member", **{r: r for r in STAFF}}
    for endpoint, expected in RULES.items():
        roles = getattr(app.view_functions[endpoint], "required_roles", None)
        if roles is None:
            continue
        for who, role in as_role.items():
            if role not in roles:
                assert expected[who] == FORBIDDEN, f"{endpoint}: {who} should be 403 by its declared roles {roles}"
        assert expected["visitor"] == LOGIN, endpoint


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, client, auth, role):
    check_access_matrix(app, client, auth, role)


def check_access_matrix(app: Flask, client, auth, role: str, guards: bool = True) -> None:
    """Visit every route as `role` in a new demo world; fail listing every answer that breaks its rule.

    `guards=False` leaves out the routes whose answer for `role` is a demand to log in (or 401 without an API token):
    the guards give those before any view runs."""
    world = shared_world()
    world["booking_case_id"] = _booking_case(world["booking_id"])
    if role != "visitor":
        resp = auth.login(LOGINS[role], PASSWORD)
        assert resp.status_code in (302, 303), f"{role} could not log in"
    wrong = []
    for endpoint, method, r in _requests(app):
        if endpoint not in RULES:
            continue  # reported by test_every_route_has_a_rule
        if not guards and RULES[endpoint][role] in (LOGIN, UNAUTHORIZED):
            continue
        url = _url(r, world)
        resp = client.open(url, method=method, data={})
        got, expected = _outcome(resp), RULES[endpoint][role]
        if got != expected:
            wrong.append(f"{method} {url} ({endpoint}): expected {expected}, got {got} [{resp.status_code}]")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def _booking_case(booking_id: int) -> int:
    from app.extensions import db
    from app.models.premises import Booking
    return db.session.get(Booking, booking_id).case_id


# Paths no route can mean, aimed at the database: a NUL byte (PostgreSQL refuses it in text), an id no
# integer column holds, bytes that are not UTF-8, a control character. Every one is 404 for every role,
# on SQLite and on PostgreSQL (this file runs in both passes).
HOSTILE_SEGMENTS = {"nul": "a%00", "nul_only": "%00", "not_utf8": "%ff%fe", "control": "a%0d%0ab"}
HOSTILE_IDS = {"overlong_id": "9" * 30, "int_overflow": str(2 ** 31), "bigint_overflow": str(2 ** 63)}


def _hostile_url(r, world: dict, name: str, segment: str) -> str:
    """The route's URL for A's objects, with argument `name` replaced by `segment` (already percent-encoded)."""
    url = _url(r, world)
    good = _url_value(r, world, name)
    head, _, tail = r.rule.partition(f"<{_spec(r, name)}>")
    before = _url_text(head, r, world)
    return before + segment + url[len(before) + len(str(good)):] if url.startswith(before) else url


def _url_value(r, world: dict, name: str) -> object:
    converter = r._converters[name]
    if getattr(converter, "items", None):
        return sorted(converter.items)[0]
    if name == "token":
        return world[TOKEN_FOR[r.endpoint]]
    if name == "meeting_id" and r.endpoint == "committee.minutes":
        return world["minutes_meeting_id"]
    if name == "case_id":
        return world[CASE_FOR.get(r.endpoint, "case_id")]
    return world[name]


def _url_text(part: str, r, world: dict) -> str:
    for other in r._converters:
        part = part.replace(f"<{_spec(r, other)}>", str(_url_value(r, world, other)))
    return part


@pytest.mark.parametrize("role", ["visitor", "member_a", "administrator"])
def test_hostile_paths_are_not_found_for_every_route(app, client, auth, role):
    world = shared_world()
    world["booking_case_id"] = _booking_case(world["booking_id"])
    if role != "visitor":
        auth.login(LOGINS[role], PASSWORD)
    wrong = []
    for endpoint, method, r in _requests(app):
        if method != "GET" or endpoint in RUN_LAST or not r._converters:
            continue
        for name in r._converters:
            numeric = type(r._converters[name]).__name__.endswith("IntegerConverter")
            for kind, segment in (HOSTILE_SEGMENTS | HOSTILE_IDS if numeric else HOSTILE_SEGMENTS).items():
                url = _hostile_url(r, world, name, segment)
                resp = client.get(url)
                if resp.status_code != 404:
                    wrong.append(f"GET {url} ({endpoint}, {kind}): {resp.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("url", ["/puljer/a%00", "/puljer/%00", "/%00", "/konto/log-ind%00", "/puljer/%ff",
                                 "/static/app.js%00", "/static/%ff"])
def test_a_nul_byte_or_broken_utf8_in_a_path_is_not_found(client, url):
    assert client.get(url).status_code == 404

"""Nobody but administrators reaches the administration pages."""
import pytest
from flask import current_app, url_for

from app.extensions import db
from app.services.integrations import api_clients
from tests.admin.conftest import ADMIN_EMAIL

ROLES = ("visitor", "member", "caseworker", "committee_member", "administrator")

GET_PAGES = ["admin.home", "admin.users", "admin.pools_index", "admin.pool_new", "admin.pool_edit", "admin.criteria",
             "admin.criterion_edit", "admin.questions", "admin.form_builder", "admin.form_edit_step",
             "admin.form_edit_field", "admin.form_preview", "admin.committees", "admin.committee_edit",
             "admin.letter_settings", "admin.journal", "admin.legal_bases", "admin.legal_basis_edit",
             "admin.schemes_index", "admin.scheme_new", "admin.scheme_edit", "admin.api_clients_index",
             "admin.api_client_detail"]
POST_ACTIONS = ["admin.pool_publish", "admin.pool_copy", "admin.criterion_delete", "admin.form_start_draft",
                "admin.form_add_step", "admin.form_step_action", "admin.form_add_field", "admin.form_field_action",
                "admin.form_version_action", "admin.user_active", "admin.user_reset_two_factor",
                "admin.api_client_revoke", "admin.webhook_end", "admin.webhook_send_again", "admin.webhook_skip"]


@pytest.fixture
def world(factory, pool):
    people = {role: factory.user(role=role, email=f"{role}@example.dk")
              for role in ("member", "caseworker", "committee_member")}
    admin = factory.user(role="administrator", email=ADMIN_EMAIL)
    version = factory.form_version(pool, published=False, steps=[("Om jer", [dict(key="navn", label="Navn",
                                                                                    kind="short_text")])])
    scheme = _scheme(pool)
    db.session.commit()
    step, field = version.steps[0], version.steps[0].fields[0]
    client_id = api_clients.register_client(admin, "ESDH", ["events:read"], 120).client.id
    return {"scheme_id": scheme.id, "pool_id": pool.id, "criterion_id": pool.criteria[0].id, "step_id": step.id, "field_id": field.id,
            "committee_id": pool.committee_id, "user_id": people["member"].id, "what": "slet", "client_id": client_id,
            "subscription_id": 1, "delivery_id": 1}


def _scheme(pool):
    from datetime import date

    from app.models.yearly import ReportingCampaign, SubsidyScheme
    from tests.factories import PoolFactory
    campaign = ReportingCampaign(year=2027, opens_on=date(2028, 1, 1), deadline=date(2028, 3, 31))
    yearly = PoolFactory(committee=pool.committee, workflow="yearly_subsidy", year=2027)
    scheme = SubsidyScheme(name="Aktivitetstilskud 2027", kind="activity", campaign=campaign, pool=yearly,
                           formula={"basis": "per_member", "rate": 205})
    db.session.add(scheme)
    return scheme


def _url(endpoint: str, ids: dict) -> str:
    rule = next(r for r in current_app.url_map.iter_rules(endpoint))
    args = {name: ids[name] for name in rule.arguments if name in ids}
    if endpoint == "admin.form_version_action":
        args["what"] = "kasser"
    return url_for(endpoint, **args)


def _login(auth, role):
    if role != "visitor":
        auth.login(ADMIN_EMAIL if role == "administrator" else f"{role}@example.dk")


def test_every_admin_route_requires_the_administrator_role(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")}
    assert endpoints == set(GET_PAGES) | set(POST_ACTIONS)
    for endpoint in endpoints:
        assert app.view_functions[endpoint].required_roles == ("administrator",), endpoint


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", GET_PAGES)
def test_get_pages(client, auth, world, role, endpoint):
    _login(auth, role)
    resp = client.get(_url(endpoint, world))
    expected = {"visitor": 302, "administrator": 200}.get(role, 403)
    assert resp.status_code == expected, resp.get_data(as_text=True)[:500]
    if role == "visitor":
        assert "/konto/log-ind" in resp.location


@pytest.mark.parametrize("role", ROLES[:-1])
@pytest.mark.parametrize("endpoint", POST_ACTIONS)
def test_post_actions_refused(client, auth, world, role, endpoint):
    _login(auth, role)
    resp = client.post(_url(endpoint, world), data={})
    assert resp.status_code == (302 if role == "visitor" else 403)
    if role == "visitor":
        assert "/konto/log-ind" in resp.location


def test_unknown_objects_are_404_for_administrators(client, auth, world):
    auth.login(ADMIN_EMAIL)
    assert client.get("/admin/puljer/99999").status_code == 404
    assert client.get(f"/admin/puljer/{world['pool_id']}/kriterier/99999").status_code == 404
    assert client.get(f"/admin/puljer/{world['pool_id']}/skema/felter/99999").status_code == 404
    assert client.get("/admin/udvalg/99999").status_code == 404

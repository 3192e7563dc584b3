"""Issue 23's staff journey in a real browser: a caseworker logs in through the municipality's OpenID Connect
provider (npm oidc-provider on loopback) and lands in the queue, with no password and no local code here."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import oidc_provider
from tests.e2e.conftest import LIVE_APPS, check_a11y, shot


@pytest.fixture(scope="module")
def sso_server(live_server):
    """The demo server with single sign-on configured against a provider that knows its address; undone after."""
    provider = oidc_provider.start([live_server])
    app = LIVE_APPS[live_server]
    before = {key: app.config.get(key) for key in oidc_provider.app_settings(provider)}
    app.config.update(oidc_provider.app_settings(provider))
    yield live_server
    app.config.update(before)
    app.extensions.pop("oidc_client", None)
    provider.stop()


def test_caseworker_logs_in_through_the_provider_and_lands_in_the_queue(page, sso_server):
    page.goto(f"{sso_server}/konto/log-ind")
    check_a11y(page, "log-in page with the staff SSO button")
    shot(page, "sso-login-page")
    page.get_by_role("link", name="Log ind som medarbejder").click()
    page.locator("input[name=login]").fill("sagsbehandler")  # the provider's own page
    page.locator("input[name=password]").fill("hemmelig")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url(f"{sso_server}/sagsbehandling/**")
    expect(page.get_by_role("heading", level=1, name="Sager")).to_be_visible()
    check_a11y(page, "the queue after SSO")
    shot(page, "sso-queue")
    page.reload()  # the next request needs no local code either: the IdP did the strong log-in
    expect(page.get_by_role("heading", level=1, name="Sager")).to_be_visible()

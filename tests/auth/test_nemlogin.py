"""MitID / MitID Erhverv through NemLog-in, against pysaml2's own IdP on loopback (tests/nemlogin_idp.py)."""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest

from app.extensions import db
from app.models import Association, ExternalIdentity, Invitation, Membership, OutboxMessage, User
from app.models.nemlogin import SamlAssertionId, SignInEvent
from app.services.accounts.passwords import verify_password
from tests.nemlogin_idp import CVR_X, CVR_Y, OTHER_SP, PERSONS, LoopbackIdP, query_of


# Our entity id and endpoints are made from the public address: the same in every pass (SQLite, PostgreSQL).
SP_ADDRESS = {"PUBLIC_BASE_URL": "http://localhost"}


@pytest.fixture(scope="session")
def loopback_idp(tmp_path_factory):
    from app import create_app
    from config import TestingConfig
    idp = LoopbackIdP(tmp_path_factory.mktemp("nemlogin"))
    idp.start(create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://", **SP_ADDRESS))
    yield idp
    idp.stop()


@pytest.fixture(autouse=True)
def _separate_requests(app):
    from tests.security.test_session_revocation import SeparateRequestsClient
    app.test_client_class = SeparateRequestsClient  # two browsers: each request loads its own user


@pytest.fixture
def idp(app, loopback_idp):
    app.config.update(loopback_idp.settings, **SP_ADDRESS, PUBLIC_BASE_URL_FROM_REQUEST=False)
    return loopback_idp


def _start(client) -> tuple[str, str]:
    response = client.get("/konto/nemlogin/log-ind")
    assert response.status_code == 302
    return response.headers["Location"], query_of(response.headers["Location"])["RelayState"]


def _log_in(client, idp, person: str, **tamper):
    url, relay = _start(client)
    saml_response = idp.respond(idp.read_request(url), PERSONS[person], **tamper)
    return client.post("/konto/nemlogin/acs", data={"SAMLResponse": saml_response, "RelayState": relay})


def _through_browser_idp(client, idp, person: str):
    """What a browser does: the IdP's form, the person picked, its auto-posting form posted to us."""
    url, _relay = _start(client)
    with urllib.request.urlopen(url) as page:  # noqa: S310 # loopback test IdP
        assert "Test-NemLog-in" in page.read().decode()
    form = urllib.parse.urlencode({"url": url, "person": person}).encode()
    with urllib.request.urlopen(f"{idp.base_url}/sso", data=form) as answer:  # noqa: S310
        html = answer.read().decode()
    fields = dict(_hidden(html, name) for name in ("SAMLResponse", "RelayState"))
    return client.post("/konto/nemlogin/acs", data=fields)


def _hidden(html: str, name: str) -> tuple[str, str]:
    import html as h
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return name, h.unescape(html[start:html.index('"', start)])


def _register(client, name: str = "Roklubben Bølgen"):
    return client.post("/forening/ny", data={
        "kind": "informal", "cvr": CVR_Y, "name": name, "street": "Havnevej 1", "postcode": "4000",
        "city": "Roskilde", "contact_email": "birgitte@boelgen.example", "works_with_children": "no",
        "description": "Roning for alle"})


def test_metadata_names_our_endpoints_and_certificate(client, idp):
    response = client.get("/konto/nemlogin/metadata")
    assert response.status_code == 200
    xml = response.get_data(as_text=True)
    assert "/konto/nemlogin/acs" in xml and "/konto/nemlogin/slo" in xml
    assert 'use="encryption"' in xml and 'use="signing"' in xml and 'AuthnRequestsSigned="true"' in xml


def test_nothing_configured_means_no_mitid(client):
    assert client.get("/konto/nemlogin/metadata").status_code == 404
    assert client.get("/konto/nemlogin/log-ind").status_code == 404
    assert "Log ind med MitID" not in client.get("/konto/log-ind").get_data(as_text=True)


def test_authn_request_is_signed_and_asks_for_substantial(client, idp):
    url, _relay = _start(client)
    request = idp.read_request(url)  # raises unless our signature verifies against our metadata
    refs = request.requested_authn_context.authn_context_class_ref
    assert [r.text for r in refs] == ["https://data.gov.dk/concept/core/nsis/loa/Substantial"]
    assert "Log ind med MitID" in client.get("/konto/log-ind").get_data(as_text=True)


def test_first_mitid_erhverv_log_in_registers_the_association_with_the_assertions_cvr(client, idp):
    response = _through_browser_idp(client, idp, "erhverv_x")
    assert response.status_code == 302 and response.headers["Location"].endswith("/forening/ny")
    page = client.get("/forening/ny").get_data(as_text=True)
    assert CVR_X in page and "Roklubben Bølgen" in page and "kan ikke ændres" in page
    response = _register(client)  # the form says informal and CVR Y: the assertion's CVR X wins
    assert response.status_code == 302, response.get_data(as_text=True)
    association = db.session.scalar(db.select(Association))
    assert (association.cvr, association.is_informal) == (CVR_X, False)
    user = db.session.scalar(db.select(User))
    identity = db.session.scalar(db.select(ExternalIdentity))
    assert (identity.provider, identity.subject, identity.user_id) == ("nemlogin", PERSONS["erhverv_x"].subject, user.id)
    assert user.email == "birgitte@boelgen.example" and user.role == "member"
    assert not verify_password(user.password_hash, "")  # no password anyone knows
    assert db.session.scalar(db.select(Membership.role).where(Membership.user_id == user.id)) == "chair"
    assert db.session.scalar(db.select(SignInEvent.outcome)) == "accepted"


@pytest.mark.parametrize("tamper, reason, text", [
    ({"signed": False}, "bad_signature", "ikke underskrevet"),
    ({"impostor": True}, "bad_signature", "ikke underskrevet"),
    ({"expired": True}, "expired", "udløbet"),
    ({"audience": OTHER_SP}, "wrong_audience", "en anden tjeneste"),
    ({"encrypted": False}, "not_encrypted", "ikke krypteret"),
])
def test_bad_assertions_are_refused_with_a_page_and_a_journal_line(client, idp, tamper, reason, text):
    response = _log_in(client, idp, "erhverv_x", **tamper)
    assert response.status_code == 403 and text in response.get_data(as_text=True)
    event = db.session.scalar(db.select(SignInEvent))
    assert (event.outcome, event.reason) == ("refused", reason)
    assert db.session.scalar(db.select(User)) is None
    assert client.get("/forening/").status_code == 302  # not logged in


def test_low_assurance_is_refused(client, idp):
    response = _log_in(client, idp, "lav")
    assert response.status_code == 403 and "sikringsniveau" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(SignInEvent.reason)) == "low_assurance"


def test_an_assertion_is_accepted_once(client, idp, app):
    url, relay = _start(client)
    saml_response = idp.respond(idp.read_request(url), PERSONS["privat"])
    assert client.post("/konto/nemlogin/acs", data={"SAMLResponse": saml_response, "RelayState": relay}).status_code == 302
    replay = app.test_client().post("/konto/nemlogin/acs", data={"SAMLResponse": saml_response, "RelayState": relay})
    assert replay.status_code == 403 and "allerede brugt" in replay.get_data(as_text=True)
    assert db.session.scalar(db.select(SignInEvent.reason).where(SignInEvent.outcome == "refused")) == "replayed"
    assert db.session.scalar(db.select(db.func.count()).select_from(SamlAssertionId)) == 1


def test_a_forged_relay_state_is_refused(client, idp):
    url, _relay = _start(client)
    saml_response = idp.respond(idp.read_request(url), PERSONS["privat"])
    response = client.post("/konto/nemlogin/acs", data={"SAMLResponse": saml_response, "RelayState": "x"})
    assert response.status_code == 403


def test_second_person_of_the_cvr_asks_to_join_and_the_chair_confirms(app, client, idp):
    _log_in(client, idp, "erhverv_x")
    _register(client)
    association = db.session.scalar(db.select(Association))
    other = app.test_client()
    response = _log_in(other, idp, "erhverv_x2")
    assert response.status_code == 302
    kasper = db.session.scalar(db.select(User).where(User.email == "kasper@boelgen.example"))
    assert db.session.scalar(db.select(Membership).where(Membership.user_id == kasper.id)) is None
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.claimed_by_id == kasper.id))
    assert invitation.association_id == association.id and invitation.accepted_at is None
    _log_in(other, idp, "erhverv_x2")  # asking twice makes one request
    assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 1
    notice = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.template == "association_join_request"))
    assert notice.recipient == "birgitte@boelgen.example" and notice.payload["name"] == "Kasper Kasse"
    assert notice.payload["link"].endswith(f"/forening/foreninger/{association.id}/bestyrelse")
    from app.services.delivery.mail import render_notice
    email = render_notice(notice)
    assert "Kasper Kasse vil med i bestyrelsen i Roklubben Bølgen" in email["Subject"]
    assert notice.payload["link"] in email.get_content()
    assert "Kasper Kasse" in client.get(f"/forening/foreninger/{association.id}/bestyrelse").get_data(as_text=True)
    response = client.post(f"/forening/foreninger/{association.id}/invitationer/{invitation.id}/bekraeft")
    assert response.status_code == 302
    assert db.session.scalar(db.select(Membership.role).where(Membership.user_id == kasper.id)) == "member"
    assert _log_in(other, idp, "erhverv_x2").headers["Location"].endswith(f"/forening/foreninger/{association.id}")


def test_an_assertion_for_cvr_y_never_reaches_the_association_with_cvr_x(app, client, idp):
    _log_in(client, idp, "erhverv_x")
    _register(client)
    x = db.session.scalar(db.select(Association))
    yrsa = app.test_client()
    response = _log_in(yrsa, idp, "erhverv_y")
    assert response.headers["Location"].endswith("/forening/ny")
    assert CVR_Y in yrsa.get("/forening/ny").get_data(as_text=True)
    assert yrsa.get(f"/forening/foreninger/{x.id}").status_code in (403, 404)
    assert yrsa.get(f"/forening/foreninger/{x.id}/bestyrelse").status_code in (403, 404)
    assert db.session.scalar(db.select(Invitation)) is None


def test_private_mitid_without_e_mail_is_asked_once_then_registers_an_informal_group(client, idp):
    response = _log_in(client, idp, "privat")
    assert response.headers["Location"].endswith("/konto/nemlogin/e-mail")
    assert client.post("/konto/nemlogin/e-mail", data={"email": "ikke en adresse"}).status_code == 200
    assert client.post("/konto/nemlogin/e-mail", data={"email": "Per@Example.dk"}).status_code == 302
    user = db.session.scalar(db.select(User))
    assert user.email == "per@example.dk" and user.email_confirmed_at is None
    assert client.get("/konto/nemlogin/e-mail").status_code == 302  # asked once
    response = client.post("/forening/ny", data={"kind": "informal", "contact_person": "Per Privat",
                                                   "name": "Naboskabet", "contact_email": "per@example.dk",
                                                   "works_with_children": "no", "description": "Fællesspisning"})
    assert response.status_code == 302, response.get_data(as_text=True)
    group = db.session.scalar(db.select(Association))
    assert group.is_informal and group.cvr is None


def test_sp_initiated_single_logout_ends_the_session_here_and_at_the_idp(client, idp):
    _log_in(client, idp, "privat")
    response = client.post("/konto/log-ud")
    assert response.status_code == 302 and response.headers["Location"].startswith(f"{idp.base_url}/slo?")
    assert client.get("/forening/").status_code == 302  # logged out here already
    back = _no_redirect_get(response.headers["Location"])
    assert "/konto/nemlogin/slo?SAMLResponse=" in back
    response = client.get(back.split("localhost", 1)[1])
    assert response.status_code == 302
    assert "Du er logget ud" in client.get("/").get_data(as_text=True)


def test_idp_initiated_single_logout_ends_every_session_of_the_person(app, client, idp):
    _log_in(client, idp, "privat")
    client.post("/konto/nemlogin/e-mail", data={"email": "per@example.dk"})
    assert client.get("/forening/").status_code == 200
    url = idp.logout_request_url(PERSONS["privat"].subject, "http://localhost/konto/nemlogin/slo")
    response = app.test_client().get(url.split("localhost", 1)[1])  # the IdP's front channel, another browser
    assert response.status_code == 302 and response.headers["Location"].startswith(f"{idp.base_url}/slo?")
    assert client.get("/forening/").status_code == 302
    assert db.session.scalar(db.select(SignInEvent.outcome).where(SignInEvent.outcome == "logged_out"))


def test_an_unsigned_logout_request_is_refused(client, idp):
    _log_in(client, idp, "privat")
    url = idp.logout_request_url(PERSONS["privat"].subject, "http://localhost/konto/nemlogin/slo")
    query = query_of(url)
    unsigned = "/konto/nemlogin/slo?" + urllib.parse.urlencode({"SAMLRequest": query["SAMLRequest"]})
    assert client.get(unsigned).status_code == 403


def test_a_disabled_account_is_refused(client, idp):
    _log_in(client, idp, "privat")
    client.post("/konto/log-ud")
    user = db.session.scalar(db.select(User))
    user.is_active = False
    db.session.commit()
    response = _log_in(client, idp, "privat")
    assert response.status_code == 403 and "spærret" in response.get_data(as_text=True)


def test_email_login_off_keeps_staff_password_log_in(app, client, factory, idp):
    app.config["EMAIL_LOGIN_ENABLED"] = False
    member = factory.user(email="medlem@example.dk")
    db.session.commit()
    assert client.get("/konto/opret").status_code == 404
    response = client.post("/konto/log-ind", data={"email": member.email, "password": "demo-adgangskode"})
    assert response.status_code == 200 and client.get("/forening/").status_code == 302
    page = client.get("/konto/log-ind").get_data(as_text=True)
    assert "Log ind med MitID" in page and "Opret en bruger" not in page


def _no_redirect_get(url: str) -> str:
    class Stop(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    opener = urllib.request.build_opener(Stop)
    try:
        opener.open(url)
    except urllib.error.HTTPError as redirect:
        return redirect.headers["Location"]
    raise AssertionError("the IdP did not redirect")


def test_privacy_export_lists_the_identity_and_anonymisation_removes_it(client, idp):
    from app import clock
    from app.services.privacy.anonymise import anonymise_user
    from app.services.privacy.data_export import user_data
    _log_in(client, idp, "erhverv_x")
    user = db.session.scalar(db.select(User))
    data, _docs = user_data(user)
    assert [i["subject"] for i in data["external_identities"]] == [PERSONS["erhverv_x"].subject]
    assert [e["outcome"] for e in data["sign_ins"]] == ["accepted"]
    anonymise_user(user, clock.now())
    db.session.commit()
    assert db.session.scalar(db.select(ExternalIdentity)) is None
    event = db.session.scalar(db.select(SignInEvent))
    assert (event.subject, event.ip, event.user_id) == (None, None, user.id)


def test_the_chair_refuses_a_request_to_join(app, client, idp):
    _log_in(client, idp, "erhverv_x")
    _register(client)
    association = db.session.scalar(db.select(Association))
    _log_in(app.test_client(), idp, "erhverv_x2")
    invitation = db.session.scalar(db.select(Invitation))
    board = client.get(f"/forening/foreninger/{association.id}/bestyrelse").get_data(as_text=True)
    assert "beder om at komme med i bestyrelsen" in board
    refused = client.post(f"/forening/foreninger/{association.id}/invitationer/{invitation.id}/afvis",
                          follow_redirects=True).get_data(as_text=True)
    # There was no invitation link: nothing "can still be used by the one it was sent to".
    assert "Personen kommer ikke med i bestyrelsen" in refused and "stadig bruges" not in refused
    db.session.refresh(invitation)
    assert invitation.cancelled_at is not None and invitation.accepted_at is None
    assert db.session.scalar(db.select(db.func.count()).select_from(Membership)) == 1


def test_mitid_counts_as_the_second_factor_of_a_member_who_enabled_one(app, client, idp):
    from app import clock
    _log_in(client, idp, "erhverv_x")
    user = db.session.scalar(db.select(User))
    user.totp_secret, user.totp_enabled_at = "JBSWY3DPEHPK3PXP", clock.now()
    db.session.commit()
    browser = app.test_client()
    assert _log_in(browser, idp, "erhverv_x").status_code == 302
    assert browser.get("/forening/").status_code == 200


def test_answers_are_rate_limited_per_address(client, idp):
    answers = [client.post("/konto/nemlogin/acs", data={"SAMLResponse": "x", "RelayState": "y"}).status_code
               for _ in range(6)]
    assert answers == [403] * 5 + [429]  # TestingConfig: 5 a minute
    assert db.session.scalar(db.select(db.func.count()).select_from(SignInEvent)) == 5


def _invitation_path(factory) -> str:
    from app.services.associations import board
    chair = factory.user(email="formand@example.dk")
    association = factory.association(members=(chair,))
    db.session.commit()
    board.invite(association, chair, "ny@example.dk")
    link = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.template == "association_invite")).payload["link"]
    return urllib.parse.urlsplit(link).path


def test_with_email_log_in_off_sign_up_links_become_mitid_log_in(app, client, factory, idp):
    app.config["EMAIL_LOGIN_ENABLED"] = False
    invitation = _invitation_path(factory)
    for page in (client.get("/").get_data(as_text=True), client.get(invitation).get_data(as_text=True)):
        assert "/konto/opret" not in page and "Log ind med MitID" in page and "/konto/nemlogin/log-ind" in page
    assert "opret en" not in client.get(invitation).get_data(as_text=True)  # no "sign up" in the text either
    assert client.get("/konto/nemlogin/log-ind?next=" + invitation).status_code == 302  # the link works


def test_with_email_log_in_off_and_no_nemlogin_there_is_no_dead_sign_up_link(app, client, factory):
    app.config["EMAIL_LOGIN_ENABLED"] = False
    invitation = _invitation_path(factory)
    for page in (client.get("/").get_data(as_text=True), client.get(invitation).get_data(as_text=True)):
        assert "/konto/opret" not in page and "Log ind med MitID" not in page


def test_with_email_log_in_on_the_sign_up_links_stay(client, factory, idp):
    invitation = _invitation_path(factory)
    for page in (client.get("/").get_data(as_text=True), client.get(invitation).get_data(as_text=True)):
        assert "/konto/opret" in page


def _ask_to_delete(client, idp, person: str = "privat"):
    """'Slet min bruger' with the tick: off to NemLog-in, then back with `person`'s fresh log-in."""
    response = client.post("/privatliv/slet", data={"understood": "y"})
    assert response.status_code == 302
    url = response.headers["Location"]
    request = idp.read_request(url)
    assert request.force_authn == "true"  # a fresh log-in, even with a session at NemLog-in
    saml_response = idp.respond(request, PERSONS[person])
    return client.post("/konto/nemlogin/acs", data={"SAMLResponse": saml_response,
                                                     "RelayState": query_of(url)["RelayState"]})


def test_a_mitid_only_member_deletes_her_account_by_logging_in_with_mitid_again(client, idp):
    _log_in(client, idp, "privat")
    user = db.session.scalar(db.select(User))
    page = client.get("/privatliv/").get_data(as_text=True)
    assert "Bekræft med MitID og slet min bruger" in page and 'name="password"' not in page
    assert client.post("/privatliv/slet", data={}).status_code == 400  # the tick is still needed
    response = _ask_to_delete(client, idp)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    db.session.refresh(user)
    assert user.anonymised_at is not None and db.session.scalar(db.select(ExternalIdentity)) is None
    assert client.get("/forening/").status_code == 302  # logged out


def test_a_different_mitid_person_deletes_nothing(app, client, idp):
    _log_in(client, idp, "privat")
    user = db.session.scalar(db.select(User))
    response = _ask_to_delete(client, idp, person="erhverv_x")
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.anonymised_at is None
    assert "et andet MitID end det, der hører til din bruger" in client.get("/").get_data(as_text=True)


def test_coming_back_from_mitid_after_ten_minutes_deletes_nothing(client, idp):
    from datetime import timedelta
    from app import clock
    _log_in(client, idp, "privat")
    user = db.session.scalar(db.select(User))
    response = client.post("/privatliv/slet", data={"understood": "y"})
    url = response.headers["Location"]
    saml_response = idp.respond(idp.read_request(url), PERSONS["privat"])
    clock.move_to(clock.now() + timedelta(minutes=11))
    response = client.post("/konto/nemlogin/acs", data={"SAMLResponse": saml_response,
                                                         "RelayState": query_of(url)["RelayState"]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/privatliv/")
    db.session.refresh(user)
    assert user.anonymised_at is None
    assert "for længe om at logge ind med MitID" in client.get("/privatliv/").get_data(as_text=True)


def test_an_ordinary_mitid_log_in_deletes_nothing(client, idp):
    _log_in(client, idp, "privat")
    _log_in(client, idp, "privat")  # its RelayState has no purpose: a link to log in can never delete
    assert db.session.scalar(db.select(User)).anonymised_at is None


def test_a_password_user_still_needs_her_password_with_mitid_configured(client, factory, idp):
    member = factory.user(email="medlem@example.dk")
    db.session.commit()
    client.post("/konto/log-ind", data={"email": member.email, "password": "demo-adgangskode"})
    assert 'name="password"' in client.get("/privatliv/").get_data(as_text=True)
    response = client.post("/privatliv/slet", data={"understood": "y"})
    assert response.status_code == 400 and "Skriv din adgangskode" in response.get_data(as_text=True)
    assert client.post("/privatliv/slet", data={"understood": "y", "password": "forkert"}).status_code == 400
    db.session.refresh(member)
    assert member.anonymised_at is None
    response = client.post("/privatliv/slet", data={"understood": "y", "password": "demo-adgangskode"})
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.anonymised_at is not None

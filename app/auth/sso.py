"""Staff single sign-on by OpenID Connect (issue 23): authorization code with PKCE (S256) through Authlib.

Authlib checks the state (kept in the signed session cookie, cleared when used), the nonce, and the ID
token's signature (the provider's JWKS from discovery), issuer, audience and expiry. The IdP's
Back-Channel Logout 1.0 logout tokens are verified here (signature, iss, aud, iat/exp, events, no nonce)
and their jti is used once (app/services/accounts/single_sign_on.py). Nothing configured: no routes work.
"""
from __future__ import annotations

from authlib.common.errors import AuthlibBaseError
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user

from app import clock
from app.auth import bp
from app.extensions import csrf
from app.main.navigation import home_endpoint
from app.security import mark_single_sign_on
from app.services.accounts import single_sign_on as sso

_EXTENSION = "oidc_client"
_BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
_LEEWAY = 60  # seconds of clock difference accepted between us and the IdP


def _client():
    """The Authlib client for this app, registered once from the configuration (discovery from the issuer)."""
    if not sso.configured():
        abort(404)
    client = current_app.extensions.get(_EXTENSION)
    if client is None:
        # Imported here: Authlib's client brings its HTTP and OpenID layers, which a deployment without staff
        # single sign-on (and every Celery worker) would otherwise load at start.
        from authlib.integrations.flask_client import OAuth

        config = current_app.config
        oauth = OAuth()
        oauth.init_app(current_app)
        client = oauth.register(
            "oidc", client_id=config["OIDC_CLIENT_ID"], client_secret=config["OIDC_CLIENT_SECRET"],
            server_metadata_url=config["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": f"openid email profile {config['OIDC_GROUPS_CLAIM']}",
                           "code_challenge_method": "S256", "timeout": config["OIDC_TIMEOUT_SECONDS"]})
        current_app.extensions[_EXTENSION] = client
    return client


def _refused(reason: str, subject: str | None = None, status: int = 403):
    sso.record_refusal(reason, subject)
    messages = {
        "no_mapped_group": _("Din bruger hos kommunen giver ikke adgang til Foreningsstøtte. Kontakt din "
                             "administrator, hvis du skal bruge systemet."),
        "account_disabled": _("Din bruger er spærret. Kontakt kommunen."),
        "email_belongs_to_member": _("Din e-mailadresse bruges allerede af en forenings bruger. Kontakt din "
                                     "administrator."),
        "provider_unavailable": _("Kommunens log-in svarer ikke lige nu. Prøv igen om lidt."),
    }
    message = messages.get(reason, _("Log-in gennem kommunens log-in blev afvist. Prøv igen fra log-in-siden."))
    return render_template("auth/sso_refused.html", message=message), status


@bp.route("/sso")
def sso_start():
    """Send the browser to the IdP; state, nonce and the PKCE verifier wait in the session."""
    import requests  # see sso_callback
    try:
        return _client().authorize_redirect(url_for("auth.sso_callback", _external=True))
    except (requests.RequestException, ValueError, KeyError):  # discovery failed: the IdP is down or answers nonsense
        return _refused("provider_unavailable", status=502)


@bp.route("/sso/svar")
def sso_callback():
    """The IdP's answer: exchange the code, verify the ID token, log in as the mapped staff user."""
    import requests  # like joserfc: ~40 ms less for every process's start
    from joserfc.errors import JoseError  # joserfc, like Authlib's client, only where single sign-on is used

    client = _client()
    try:
        # Authlib checks `aud` only when told to (without it a foreign audience with our azp would pass).
        options = {"iss": {"essential": True, "values": [client.load_server_metadata()["issuer"]]},
                   "aud": {"essential": True, "values": [current_app.config["OIDC_CLIENT_ID"]]}}
        token = client.authorize_access_token(leeway=_LEEWAY, claims_options=options)
    except requests.RequestException:
        return _refused("provider_unavailable", status=502)
    except (AuthlibBaseError, JoseError, ValueError, KeyError) as error:
        return _refused(f"invalid_answer:{type(error).__name__}", status=400)
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        return _refused("invalid_answer:no_id_token", status=400)
    try:
        user = sso.sign_in(dict(claims))
    except sso.Refused as refusal:
        return _refused(refusal.reason, str(claims["sub"]))
    login_user(user)
    mark_single_sign_on()
    return redirect(url_for(home_endpoint(user)))


def _verify_logout_token(value: str) -> dict:
    """The claims of a valid logout token (Back-Channel Logout 1.0 § 2.6); raises JoseError or ValueError."""
    from joserfc import jwt  # see sso_callback
    from joserfc.errors import InvalidKeyIdError
    from joserfc.jwk import KeySet
    from joserfc.jwt import JWTClaimsRegistry

    client = _client()
    metadata = client.load_server_metadata()
    algorithms = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    try:
        token = jwt.decode(value, KeySet.import_key_set(client.fetch_jwk_set()), algorithms=algorithms)
    except InvalidKeyIdError:  # the IdP has rotated its keys
        token = jwt.decode(value, KeySet.import_key_set(client.fetch_jwk_set(force=True)), algorithms=algorithms)
    registry = JWTClaimsRegistry(now=int(clock.timestamp()), leeway=_LEEWAY,
                                 iss={"essential": True, "value": metadata["issuer"]},
                                 aud={"essential": True, "value": current_app.config["OIDC_CLIENT_ID"]},
                                 iat={"essential": True}, exp={"essential": True}, jti={"essential": True},
                                 sub={"essential": True})
    registry.validate(token.claims)
    claims = token.claims
    if not isinstance(claims.get("events"), dict) or not isinstance(claims["events"].get(_BACKCHANNEL_EVENT), dict):
        raise ValueError("no back-channel logout event")
    if "nonce" in claims:
        raise ValueError("a logout token must not have a nonce")
    return claims


@bp.route("/sso/backchannel-logout", methods=["POST"])
@csrf.exempt
def sso_backchannel_logout():
    """The IdP ends a person's sessions here (log-out at the IdP, or the account deactivated there).

    Answers 200 with an empty body, or 400 with {"error": ...} as the specification asks; never a page.
    """
    import requests  # see sso_callback
    from joserfc.errors import JoseError  # see sso_callback

    value = request.form.get("logout_token", "")
    try:
        claims = _verify_logout_token(value)
        sso.back_channel_logout(str(claims["sub"]), str(claims["jti"]), int(claims["exp"]))
    except requests.RequestException:
        sso.record_refusal("logout_provider_unavailable")
        return {"error": "temporarily_unavailable"}, 503
    except sso.Refused as refusal:
        sso.record_refusal(f"logout_{refusal.reason}")
        return {"error": "invalid_request"}, 400
    except (JoseError, ValueError, KeyError, TypeError) as error:
        sso.record_refusal(f"logout_invalid:{type(error).__name__}")
        return {"error": "invalid_request"}, 400
    response = current_app.response_class(status=200)
    response.headers["Cache-Control"] = "no-store"
    return response

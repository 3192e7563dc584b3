"""Log-in with MitID / MitID Erhverv through NemLog-in: metadata, the redirect, the assertion, single logout."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length

from app.auth import bp
from app.auth import limits
from app.auth.limits import client_address
from app.extensions import csrf, limiter
from app.main.navigation import home_endpoint
from app.security import mark_second_factor, safe_next
from app.services.accounts import accounts
from app.services.associations import mitid as mitid
from app.services.accounts.tokens import TokenExpired, TokenInvalid, make_token, read_token
from app.services.integrations import nemlogin
from app.services.privacy.account_deletion import DeletionRefused, delete_own_account

SESSION_KEY = "nemlogin"  # the NameID and session index, for the logout request
PREFILL_KEY = "nemlogin_registration"  # the assertion's CVR and organisation name, for the registration page
RELAY_PURPOSE = "nemlogin-relay"
RELAY_MAX_AGE = 15 * 60
DELETE_ACCOUNT = "delete_account"  # a relay's purpose: the owner confirms "Slet min bruger" by logging in afresh
DELETE_MAX_AGE = 10 * 60  # ... and is back from NemLog-in within minutes, or nothing is deleted
# The IdP posts the assertion cross-site, where a SameSite=Lax session cookie is not sent: the request id we
# wait for travels in the signed RelayState instead of the session.

REFUSALS = {
    "bad_signature": _l("Svaret fra NemLog-in var ikke underskrevet af NemLog-in, så vi kan ikke bruge det."),
    "not_encrypted": _l("Svaret fra NemLog-in var ikke krypteret, så vi kan ikke bruge det."),
    "replayed": _l("Dette log-in-svar er allerede brugt. Log ind igen."),
    "expired": _l("Log-in-svaret fra NemLog-in er udløbet. Log ind igen."),
    "wrong_audience": _l("Log-in-svaret fra NemLog-in var til en anden tjeneste."),
    "wrong_recipient": _l("Log-in-svaret fra NemLog-in var til en anden tjeneste."),
    "low_assurance": _l("Dit log-in har et for lavt sikringsniveau. Log ind med MitID på mindst niveau "
                        "betydelig (Substantial)."),
    "unsolicited": _l("Vi har ikke bedt NemLog-in om dette log-in, eller det er for længe siden. Log ind igen."),
    "account_disabled": _l("Din bruger er spærret. Kontakt kommunen."),
    "staff_account": _l("Medarbejdere logger ikke ind med MitID her. Brug medarbejder-log-in."),
}
DEFAULT_REFUSAL = _l("Vi kunne ikke bruge svaret fra NemLog-in. Log ind igen.")


class EmailForm(FlaskForm):
    email = EmailField(_l("Din e-mailadresse"), validators=[
        DataRequired(message=_l("Skriv en e-mailadresse.")),
        Email(message=_l("Skriv en gyldig e-mailadresse, fx navn@eksempel.dk."), check_deliverability=False),
        Length(max=254, message=_l("E-mailadressen er for lang."))])


def _configured_or_404() -> None:
    if not nemlogin.is_configured():
        abort(404)


def _refuse(reason: str, detail: str = "") -> tuple[str, int]:
    mitid.refused(reason, detail, client_address())
    return render_template("auth/nemlogin_refused.html", message=REFUSALS.get(reason, DEFAULT_REFUSAL)), 403


@bp.route("/nemlogin/metadata")
def nemlogin_metadata():
    _configured_or_404()
    return Response(nemlogin.metadata_xml(), mimetype="application/samlmetadata+xml")


@bp.route("/nemlogin/log-ind")
def nemlogin_login():
    _configured_or_404()
    next_url = safe_next(request.args.get("next")) or ""
    request_id = nemlogin.new_request_id()
    return redirect(nemlogin.login_redirect(make_token(RELAY_PURPOSE, {"rid": request_id, "next": next_url}),
                                            request_id))


@bp.route("/nemlogin/acs", methods=["POST"])
@limiter.limit(limits.per_ip, key_func=limits.client_address)  # each answer costs xmlsec1 runs
@csrf.exempt  # the IdP posts here; the signed, encrypted assertion and the RelayState are the protection
def nemlogin_acs():
    _configured_or_404()
    try:
        relay = read_token(RELAY_PURPOSE, request.form.get("RelayState", ""), RELAY_MAX_AGE)
    except (TokenExpired, TokenInvalid):
        return _refuse("unsolicited", "relay state missing, expired or forged")
    try:
        person = nemlogin.read_response(request.form.get("SAMLResponse", ""), {relay["rid"]: relay.get("next", "")})
    except nemlogin.Refused as refusal:
        return _refuse(refusal.reason, refusal.detail)
    try:
        user, landing = mitid.sign_in(person, client_address())
    except accounts.AccountDisabled as disabled:
        reason = "staff_account" if disabled.args and disabled.args[0].is_active else "account_disabled"
        return _refuse(reason, person.subject)
    session.clear()  # a new log-in starts a new session
    login_user(user)
    if user.two_factor_enabled:  # MitID at Substantial or higher is a two-factor log-in itself (NSIS)
        mark_second_factor(user)
    session[SESSION_KEY] = {"name_id": person.name_id, "session_index": person.session_index}
    if relay.get("purpose") == DELETE_ACCOUNT:
        return _delete_account(user, person, relay)
    if landing.step == "register":
        session[PREFILL_KEY] = mitid.prefill(person.cvr, person.org_name)
    return redirect(_landing_url(landing, relay.get("next")))


def confirm_deletion_redirect(user_id: int) -> str:
    """NemLog-in, asked to log the owner in afresh (ForceAuthn) to confirm deleting her account.

    Only the CSRF-protected "Slet min bruger" form calls this: a link anyone can send must never lead to a
    log-in that deletes an account."""
    request_id = nemlogin.new_request_id()
    relay = make_token(RELAY_PURPOSE, {"rid": request_id, "purpose": DELETE_ACCOUNT, "uid": user_id})
    return nemlogin.login_redirect(relay, request_id, force_authn=True)


def _delete_account(user, person: nemlogin.Person, relay: dict):
    """The fresh log-in is the confirmation: delete now if it is the owner's MitID and she was quick."""
    try:
        read_token(RELAY_PURPOSE, request.form["RelayState"], DELETE_MAX_AGE)
    except TokenExpired:
        flash(_("Du var for længe om at logge ind med MitID, så din bruger er ikke slettet. Prøv igen."), "error")
        return redirect(url_for("privacy.mine"))
    try:
        delete_own_account(relay.get("uid"), mitid_subject=person.subject)
    except DeletionRefused as refused:
        flash(str(refused.message), "error")
        return redirect(url_for("privacy.mine" if user.id == relay.get("uid") else home_endpoint(user)))
    logout_user()
    session.clear()
    flash(_("Din bruger er slettet. Foreningens sager er bevaret."), "success")
    return redirect(url_for("main.index"))


def _landing_url(landing: mitid.Landing, next_url: str | None) -> str:
    if mitid.needs_email(current_user):
        return url_for("auth.nemlogin_email")
    if landing.step == "register":
        return url_for("portal.register")
    if landing.step == "join_requested":
        flash(_("Din forening er allerede registreret. Vi har bedt formanden om at godkende, at du kommer med i "
                "bestyrelsen."), "success")
        return url_for(home_endpoint(current_user))
    if landing.step == "association":
        return url_for("portal.association", association_id=landing.association_id)
    return safe_next(next_url) or url_for(home_endpoint(current_user))


@bp.route("/nemlogin/e-mail", methods=["GET", "POST"])
@login_required
def nemlogin_email():
    if not mitid.needs_email(current_user):
        return redirect(url_for(home_endpoint(current_user)))
    form = EmailForm()
    if form.validate_on_submit():
        try:
            mitid.set_email(current_user, form.email.data)
        except mitid.EmailTaken:
            form.email.errors.append(_("Adressen bruges allerede af en anden bruger. Skriv en anden."))
        else:
            accounts.resend_confirmation(current_user)
            flash(_("Tak. Vi har sendt en e-mail med et link, så du kan bekræfte adressen."), "success")
            return redirect(url_for("portal.register") if session.get(PREFILL_KEY) else url_for(home_endpoint(current_user)))
    return render_template("auth/nemlogin_email.html", form=form)


@bp.route("/nemlogin/slo")
def nemlogin_slo():
    """NemLog-in's single logout: its LogoutRequest (IdP-initiated) or its answer to ours."""
    _configured_or_404()
    try:
        if "SAMLRequest" in request.args:
            subject, answer_url = nemlogin.read_logout_request(
                request.args["SAMLRequest"], request.args.get("RelayState", ""), request.args.get("SigAlg"),
                request.args.get("Signature"))
            mitid.logged_out_by_idp(subject)
            _end_local_session()
            return redirect(answer_url)
        nemlogin.read_logout_response(request.args.get("SAMLResponse", ""))
    except nemlogin.Refused as refusal:
        return _refuse(refusal.reason, refusal.detail)
    flash(_("Du er logget ud."), "success")
    return redirect(url_for("main.index"))


def _end_local_session() -> None:
    if current_user.is_authenticated:
        accounts.log_out(current_user.id)
    logout_user()
    session.pop(SESSION_KEY, None)
    session.pop(PREFILL_KEY, None)


def logout_at_idp() -> str | None:
    """The IdP's single logout URL for a session that logged in with MitID (called by the log-out view)."""
    saved = session.get(SESSION_KEY)
    if not saved or not nemlogin.is_configured():
        return None
    try:
        return nemlogin.logout_redirect(saved["name_id"], saved.get("session_index"))
    except nemlogin.Refused:
        return None

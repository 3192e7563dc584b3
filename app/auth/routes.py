"""Account views: thin wrappers around app.services.accounts.accounts."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp, limits
from app.auth.nemlogin import PREFILL_KEY as NEMLOGIN_PREFILL_KEY, SESSION_KEY as NEMLOGIN_SESSION_KEY, logout_at_idp
from app.auth.forms import LoginForm, ResetPasswordForm, ResetRequestForm, SignupForm
from app.extensions import limiter
from app.main.navigation import home_endpoint
from app.security import safe_next
from app.services.accounts import accounts, single_sign_on, two_factor
from app.services.integrations import nemlogin
from app.auth.two_factor import start_second_step
from app.i18n import current_locale

# One answer for an unknown address, a wrong password and an address not yet confirmed: the log-in
# page must not tell a visitor which addresses have a user.
def _login_failed() -> str:
    return _("E-mail eller adgangskode er forkert. Prøv igen, eller nulstil din adgangskode. Har du lige "
             "oprettet en bruger, skal du først bruge linket i den e-mail, vi har sendt dig.")


@bp.route("/log-ind", methods=["GET", "POST"])
@limiter.limit(limits.per_ip, key_func=limits.client_address, methods=["POST"])
@limiter.limit(limits.per_account_failures, key_func=limits.account_key, methods=["POST"],
               deduct_when=limits.login_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
            if not user.is_staff and not current_app.config["EMAIL_LOGIN_ENABLED"]:
                raise accounts.LoginFailed()  # members log in with MitID here; staff keep their password
        except accounts.NotConfirmed as unconfirmed:
            accounts.resend_confirmation(unconfirmed.user)  # the link in it confirms and logs in
            form.password.errors.append(_login_failed())
        except accounts.LoginFailed:
            form.password.errors.append(_login_failed())
        except accounts.AccountDisabled:
            form.email.errors.append(_("Din bruger er spærret. Kontakt kommunen."))
        else:
            if two_factor.needs_second_step(user):
                return start_second_step(user, form.next.data)
            login_user(user)
            return redirect(safe_next(form.next.data) or url_for(home_endpoint(user)))
    return render_template("auth/login.html", form=form, sso_enabled=single_sign_on.configured(),
                           nemlogin_enabled=nemlogin.is_configured(),
                           email_login_enabled=current_app.config["EMAIL_LOGIN_ENABLED"])


@bp.route("/log-ud", methods=["POST"])
def logout():
    idp_logout = logout_at_idp()  # a MitID session also ends at NemLog-in (single logout)
    if current_user.is_authenticated:
        accounts.log_out(current_user.id)  # every copy of this session's cookie stops working, here and elsewhere
    logout_user()
    session.pop(NEMLOGIN_SESSION_KEY, None)
    session.pop(NEMLOGIN_PREFILL_KEY, None)
    if idp_logout:
        return redirect(idp_logout)
    flash(_("Du er logget ud."), "success")
    return redirect(url_for("main.index"))


@bp.route("/opret", methods=["GET", "POST"])
@limiter.limit(limits.signup_per_ip, key_func=limits.client_address, methods=["POST"])
@limiter.limit(limits.per_account_mail, key_func=limits.account_key, methods=["POST"],
               deduct_when=lambda response: response.status_code == 302)
def signup():
    if not current_app.config["EMAIL_LOGIN_ENABLED"]:
        abort(404)  # the municipality requires MitID: a member's account is made at the first MitID log-in
    form = SignupForm()
    if form.validate_on_submit():
        try:
            accounts.sign_up(form.email.data, form.password.data, form.full_name.data, current_locale())
        except accounts.EmailTaken:
            pass  # a double click racing itself: the first one sent the e-mail
        # The same answer whether the address is new or taken: the e-mail says which.
        flash(_("Vi har sendt en e-mail til %(email)s. Brug linket i den for at bekræfte adressen og logge ind. "
                "Har adressen allerede en bruger, står det i e-mailen, hvad du kan gøre.",
                email=form.email.data.strip().lower()), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/signup.html", form=form)


@bp.route("/bekraeft/<token>")
def confirm(token: str):
    try:
        user, first_time = accounts.confirm_email(token)
    except accounts.TokenExpired:
        flash(_("Linket er udløbet. Log ind, så sender vi et nyt."), "error")
        return redirect(url_for("auth.login"))
    except accounts.TokenInvalid:
        flash(_("Linket er ugyldigt. Tjek at du har kopieret hele linket."), "error")
        return redirect(url_for("auth.login"))
    flash(_("Tak! Din e-mailadresse er bekræftet."), "success")
    if first_time and not current_user.is_authenticated:  # the link proves the address, once
        if two_factor.needs_second_step(user):
            return start_second_step(user, None)
        login_user(user)
    return redirect(url_for(home_endpoint(current_user)) if current_user.is_authenticated else url_for("auth.login"))


@bp.route("/bekraeft-igen", methods=["POST"])
@login_required
def resend_confirmation():
    accounts.resend_confirmation(current_user)
    flash(_("Vi har sendt en ny e-mail med et bekræftelseslink."), "success")
    return redirect(url_for(home_endpoint(current_user)))


@bp.route("/glemt-adgangskode", methods=["GET", "POST"])
@limiter.limit(limits.per_ip, key_func=limits.client_address, methods=["POST"])
@limiter.limit(limits.per_account_mail, key_func=limits.account_key, methods=["POST"],
               deduct_when=lambda response: response.status_code == 302)
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        # The same answer for every address: the page must not tell who has a user.
        flash(_("Hvis adressen findes, har vi sendt et link til at vælge en ny adgangskode. Linket virker i 1 time."),
              "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/ny-adgangskode/<token>", methods=["GET", "POST"])
def reset(token: str):
    try:
        account = accounts.user_for_reset_token(token)
    except accounts.TokenExpired:
        flash(_("Linket til at nulstille adgangskoden er udløbet eller allerede brugt. Bed om et nyt."), "error")
        return redirect(url_for("auth.reset_request"))
    except accounts.TokenInvalid:
        flash(_("Linket er ugyldigt. Bed om et nyt."), "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    form.account = account  # the password policy compares with this user's name and address
    if form.validate_on_submit():
        user = accounts.reset_password(token, form.password.data)
        flash(_("Din adgangskode er ændret."), "success")
        if two_factor.needs_second_step(user):  # a reset link alone must not get past two-factor
            return start_second_step(user, None)
        login_user(user)
        return redirect(url_for(home_endpoint(user)))
    return render_template("auth/reset.html", form=form)

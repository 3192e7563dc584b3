"""Account views: thin wrappers around app.services.accounts."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import LoginForm, ResetPasswordForm, ResetRequestForm, SignupForm
from app.extensions import limiter
from app.main.navigation import home_endpoint, safe_next
from app.services import accounts, two_factor
from app.auth.two_factor import start_second_step
from app.i18n import current_locale


def _login_limit() -> str:
    from flask import current_app
    return current_app.config["RATELIMIT_LOGIN"]


@bp.route("/log-ind", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except accounts.UnknownEmail:
            form.email.errors.append(_("Der findes ingen bruger med denne e-mailadresse. Tjek stavningen, eller opret en bruger."))
        except accounts.WrongPassword:
            form.password.errors.append(_("Adgangskoden er forkert. Prøv igen, eller nulstil din adgangskode."))
        except accounts.AccountDisabled:
            form.email.errors.append(_("Din bruger er spærret. Kontakt kommunen."))
        else:
            if two_factor.needs_second_step(user):
                return start_second_step(user, form.next.data)
            login_user(user)
            return redirect(safe_next(form.next.data) or url_for(home_endpoint(user)))
    return render_template("auth/login.html", form=form)


@bp.route("/log-ud", methods=["POST"])
def logout():
    logout_user()
    flash(_("Du er logget ud."), "success")
    return redirect(url_for("main.index"))


@bp.route("/opret", methods=["GET", "POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = accounts.sign_up(form.email.data, form.password.data, form.full_name.data, current_locale())
        except accounts.EmailTaken:
            form.email.errors.append(_("Der findes allerede en bruger med denne e-mailadresse. Log ind, eller nulstil din adgangskode."))
        else:
            login_user(user)
            flash(_("Din bruger er oprettet. Vi har sendt en e-mail, så du kan bekræfte din adresse."), "success")
            return redirect(url_for(home_endpoint(user)))
    return render_template("auth/signup.html", form=form)


@bp.route("/bekraeft/<token>")
def confirm(token: str):
    try:
        accounts.confirm_email(token)
    except accounts.TokenExpired:
        flash(_("Linket er udløbet. Log ind, så sender vi et nyt."), "error")
        return redirect(url_for("auth.login"))
    except accounts.TokenInvalid:
        flash(_("Linket er ugyldigt. Tjek at du har kopieret hele linket."), "error")
        return redirect(url_for("auth.login"))
    flash(_("Tak! Din e-mailadresse er bekræftet."), "success")
    return redirect(url_for(home_endpoint(current_user)) if current_user.is_authenticated else url_for("auth.login"))


@bp.route("/bekraeft-igen", methods=["POST"])
@login_required
def resend_confirmation():
    accounts.resend_confirmation(current_user)
    flash(_("Vi har sendt en ny e-mail med et bekræftelseslink."), "success")
    return redirect(url_for(home_endpoint(current_user)))


@bp.route("/glemt-adgangskode", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        try:
            accounts.request_password_reset(form.email.data)
        except accounts.UnknownEmail:
            form.email.errors.append(_("Der findes ingen bruger med denne e-mailadresse. Tjek stavningen."))
        else:
            flash(_("Vi har sendt en e-mail med et link til at vælge en ny adgangskode. Linket virker i 1 time."), "success")
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

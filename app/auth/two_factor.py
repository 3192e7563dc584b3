"""The second log-in step (a code from an authenticator app), enrolment, and the account's security page.

After a correct password a user who needs two-factor is only *pending*: their id, the time and the
`next` address wait in the session for TWO_FACTOR_PENDING_SECONDS, and `login_user` happens here.
A pending user who has no app yet is sent a one-time enrolment link by e-mail; only that link (or a
logged-in member switching two-factor on) opens the set-up page that shows a secret.
"""
from __future__ import annotations

from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from app import clock
from app.auth import bp
from app.auth.two_factor_forms import CodeForm, SetupForm
from app.extensions import db, limiter
from app.main.navigation import home_endpoint
from app.models import User
from app.security import keep_this_session, mark_second_factor, safe_next
from app.services.accounts import accounts, two_factor as tfa

PENDING = "two_factor_pending"
ENROLLING = "two_factor_enrolling"  # set by an enrolment link: who may see a new secret, and since when


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _pending_key() -> str:
    """Rate-limit key per half-logged-in user, so guessing from many addresses is limited too."""
    data = session.get(PENDING)
    return f"2fa-user:{data.get('uid')}" if isinstance(data, dict) else get_remote_address()


def start_second_step(user: User, next_url: str | None) -> Response:
    """Called after a correct password: remember who is half logged in, then ask for the code.

    Without an app yet, the password alone shows no secret: an enrolment link goes to the account's address.
    """
    session[PENDING] = {"uid": user.id, "at": int(clock.timestamp()), "next": safe_next(next_url) or "",
                        "sv": user.session_version}
    if not user.two_factor_enabled:
        tfa.send_enrolment_link(user)
    return redirect(url_for("auth.two_factor"))


def _pending() -> tuple[User | None, str]:
    """The pending user (None when absent, expired or disabled) and the saved `next` address."""
    data = session.get(PENDING)
    if not isinstance(data, dict):
        return None, ""
    next_url = safe_next(data.get("next")) or ""
    if clock.timestamp() - data.get("at", 0) > current_app.config["TWO_FACTOR_PENDING_SECONDS"]:
        session.pop(PENDING, None)
        return None, next_url
    user = db.session.get(User, data.get("uid") or 0)
    valid = user is not None and user.is_active and data.get("sv") == user.session_version
    return (user if valid else None), next_url


def _start_over(next_url: str) -> Response:
    flash(_("Der gik for lang tid, eller du er ikke logget ind. Log ind igen."), "info")
    return redirect(url_for("auth.login", next=next_url or None))


def _log_in(user: User, next_url: str) -> str:
    """Finish the log-in; returns where the user goes next."""
    session.pop(PENDING, None)
    login_user(user)
    mark_second_factor(user)
    return safe_next(next_url) or url_for(home_endpoint(user))


def _private(html: str) -> Response:
    """Pages with a secret or recovery codes must not be kept in a cache or the browser history."""
    response = make_response(html)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/to-faktor", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, key_func=_pending_key, methods=["POST"])
def two_factor():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    user, next_url = _pending()
    if user is None:
        return _start_over(next_url)
    if not user.two_factor_enabled:
        return render_template("auth/two_factor_link_sent.html",
                               minutes=int(current_app.config["TWO_FACTOR_ENROL_LINK_MAX_AGE"]) // 60)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            kind = tfa.verify(user, form.code.data)
        except tfa.ReplayedCode:
            form.code.errors.append(_("Koden er allerede brugt. Vent på den næste kode i appen, og prøv igen."))
        except tfa.WrongCode:
            form.code.errors.append(_("Koden er forkert. Skriv de 6 cifre, som appen viser nu, "
                                      "eller en gendannelseskode, du ikke har brugt før."))
        else:
            if kind == "recovery":
                flash(_("Du har brugt en gendannelseskode; du har %(count)s tilbage. Lav nye under Sikkerhed, "
                        "hvis du er ved at løbe tør.", count=tfa.unused_recovery_codes(user)), "warning")
            return redirect(_log_in(user, next_url))
    return render_template("auth/two_factor.html", form=form)


def _link_enrolment() -> User | None:
    """The user an enrolment link opened set-up for in this browser, while it is fresh and nothing has changed."""
    data = session.get(ENROLLING)
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("uid") or 0)
    fresh = clock.timestamp() - data.get("at", 0) <= current_app.config["TWO_FACTOR_ENROL_SECONDS"]
    if not fresh or user is None or not user.is_active or user.two_factor_enabled \
            or data.get("sv") != user.session_version:
        session.pop(ENROLLING, None)
        return None
    return user


def _enrolling_user() -> tuple[User | None, bool]:
    """Who is setting up two-factor: the user an enrolment link was opened for, or a logged-in user switching
    it on (then True). A password alone is neither."""
    user = _link_enrolment()
    if user is not None:
        return user, False
    if current_user.is_authenticated:
        return current_user, True
    return None, False


@bp.route("/to-faktor/tilmeld/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def two_factor_enrol(token: str):
    """The link from the e-mail. GET only asks (a mail scanner opening links must not use it up); POST uses it."""
    try:
        user = tfa.user_for_enrolment_link(token)
        if request.method == "POST":
            user = tfa.claim_enrolment_link(token)
    except tfa.TokenExpired:
        flash(_("Linket er udløbet eller allerede brugt. Log ind med din adgangskode, så sender vi et nyt."), "error")
        return redirect(url_for("auth.login"))
    except tfa.TokenInvalid:
        flash(_("Linket er ugyldigt. Tjek at du har kopieret hele linket, eller log ind igen for at få et nyt."),
              "error")
        return redirect(url_for("auth.login"))
    if request.method == "GET":
        return _private(render_template("auth/two_factor_link.html", user=user))
    session[ENROLLING] = {"uid": user.id, "at": int(clock.timestamp()), "sv": user.session_version}
    return redirect(url_for("auth.two_factor_setup"))


@bp.route("/to-faktor/opsaet", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, key_func=_pending_key, methods=["POST"])
def two_factor_setup():
    user, logged_in = _enrolling_user()
    if user is None:
        pending, next_url = _pending()
        if pending is not None and not pending.two_factor_enabled:
            return redirect(url_for("auth.two_factor"))  # "we have sent you a link"
        return _start_over(next_url)
    if user.two_factor_enabled:
        return redirect(url_for("auth.security" if logged_in else "auth.two_factor"))
    # A new secret each time the page is shown: a key someone glimpsed before the owner enrolled dies then.
    secret = tfa.start_enrolment(user, fresh=request.method == "GET")
    form = SetupForm()
    if form.validate_on_submit():
        try:
            codes = tfa.confirm_enrolment(user, form.code.data)
        except tfa.WrongCode:
            form.code.errors.append(_("Koden passer ikke. Skriv de 6 cifre, som appen viser nu. "
                                      "Står uret på telefonen rigtigt?"))
        else:
            if logged_in:
                mark_second_factor(user)  # switched on while logged in: this session has just proved the phone
            onward = url_for("auth.security") if logged_in else _after_link_enrolment(user)
            return _private(render_template("auth/recovery_codes.html", codes=codes, onward=onward, first=True))
    return _private(render_template("auth/two_factor_setup.html", form=form, secret=_grouped(secret),
                                    qr=_qr_svg(tfa.provisioning_uri(user))))


def _after_link_enrolment(user: User) -> str:
    """Enrolled through the link: log in if this browser has just given the password, else on to log in."""
    session.pop(ENROLLING, None)
    pending, next_url = _pending()
    if pending is not None and pending.id == user.id:
        return _log_in(user, next_url)
    return url_for("auth.login")


def _grouped(secret: str) -> str:
    """ABCD EFGH …: easier to type by hand into an app."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG (no script, no data: URL for a Content Security Policy to allow)."""
    import segno
    label = escape(_("QR-kode til din autentificeringsapp. Koden står også som tekst under billedet."))
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass="qr-code")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # nosec B704 # segno's own SVG (paths only) and an escaped label


@bp.route("/sikkerhed")
@login_required
def security():
    return _security_page(CodeForm())


def _regenerate_form() -> CodeForm:
    return CodeForm(prefix="nye")


def _security_page(form: CodeForm, regenerate: CodeForm | None = None) -> str:
    return render_template("auth/security.html", form=form, regenerate=regenerate or _regenerate_form(),
                           required=tfa.is_required(current_user),
                           unused=tfa.unused_recovery_codes(current_user)
                           if current_user.two_factor_enabled else 0)


@bp.route("/sikkerhed/gendannelseskoder", methods=["POST"])
@login_required
@limiter.limit(_login_limit)
def security_recovery_codes():
    """New recovery codes need a current code from the app: a borrowed session alone must not mint a way in."""
    if not current_user.two_factor_enabled:
        return redirect(url_for("auth.security"))
    form = _regenerate_form()
    if not form.validate_on_submit():
        return _security_page(CodeForm(), form)
    try:
        codes = tfa.regenerate_recovery_codes(current_user, form.code.data)
    except tfa.ReplayedCode:
        form.code.errors.append(_("Koden er allerede brugt. Vent på den næste kode i appen, og prøv igen."))
        return _security_page(CodeForm(), form)
    except tfa.WrongCode:
        form.code.errors.append(_("Koden er forkert. Skriv de 6 cifre, som appen viser nu."))
        return _security_page(CodeForm(), form)
    return _private(render_template("auth/recovery_codes.html", codes=codes, onward=url_for("auth.security"),
                                    first=False))


@bp.route("/sikkerhed/log-ud-overalt", methods=["POST"])
@login_required
def security_log_out_everywhere():
    """End every other session of this user (a forgotten computer, a lost phone); this one goes on."""
    accounts.log_out_everywhere(current_user)
    keep_this_session(current_user)
    flash(_("Du er nu logget ud alle andre steder. Her er du stadig logget ind."), "success")
    return redirect(url_for("auth.security"))


@bp.route("/sikkerhed/slaa-fra", methods=["POST"])
@login_required
@limiter.limit(_login_limit)
def security_disable():
    if not current_user.two_factor_enabled or tfa.is_required(current_user):
        return redirect(url_for("auth.security"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            tfa.disable(current_user, form.code.data)
        except tfa.ReplayedCode:
            form.code.errors.append(_("Koden er allerede brugt. Vent på den næste kode i appen, og prøv igen."))
        except tfa.WrongCode:
            form.code.errors.append(_("Koden er forkert. Skriv de 6 cifre, som appen viser nu."))
        else:
            flash(_("To-faktor-log-ind er slået fra."), "success")
            return redirect(url_for("auth.security"))
    return _security_page(form)

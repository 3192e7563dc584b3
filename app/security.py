"""Security headers on every response, the session's idle and absolute time-outs, and safe redirects."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, logout_user, user_logged_in

from app import clock

# No inline scripts or styles anywhere: JavaScript and CSS live in app/static/.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'self'",
    "form-action 'self'", "frame-ancestors 'none'",
))
# A PDF shown inline is drawn by the browser's own viewer, which a page policy (object-src 'none',
# default-src 'self') can block; the file may still never be framed by another site.
DOCUMENT_POLICY = "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
PERMISSIONS_POLICY = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=(), "
                      "browsing-topics=()")
LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"
SECOND_FACTOR = "_second_factor"  # when the second factor passed at log-in was set up (a reset changes it)
SESSION_VERSION = "_session_version"  # the user's session_version at log-in; raised to revoke every session
SIGNED_IN_BY = "_signed_in_by"  # "oidc" when the municipality's single sign-on logged this session in


def safe_next(target: str | None) -> str | None:
    """Return `target` only if it is a local path on this site (no open redirects)."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def register(app: Flask) -> None:
    """Install the header hook, the idle check and the log-in stamp."""
    app.after_request(add_security_headers)
    app.before_request(enforce_session_timeouts)
    user_logged_in.connect(_stamp_login, app)


def add_security_headers(response: Response) -> Response:
    """Headers every response carries; a view that set its own keeps it."""
    policy = DOCUMENT_POLICY if response.mimetype == "application/pdf" else CONTENT_SECURITY_POLICY
    headers = response.headers
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("HSTS_ENABLED"):
        headers.setdefault("Strict-Transport-Security",
                           f"max-age={int(current_app.config['HSTS_MAX_AGE'])}; includeSubDomains")
    return response


def _stamp_login(sender: Flask, user: object, **extra: object) -> None:
    """A fresh log-in starts both clocks; the cookie lives as long as the absolute lifetime."""
    now = int(clock.timestamp())
    session.permanent = True
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    session[SESSION_VERSION] = user.session_version
    session.pop(SIGNED_IN_BY, None)  # a password log-in after an SSO one in the same browser asks for the code again


def mark_single_sign_on() -> None:
    """After login_user from the municipality's single sign-on: its IdP has authenticated the person strongly."""
    session[SIGNED_IN_BY] = "oidc"


def keep_this_session(user) -> None:
    """After revoking a user's sessions from this one ("log ud overalt"), let this one go on."""
    session[SESSION_VERSION] = user.session_version


def _revoked() -> bool:
    """The user has ended their sessions (or had them ended) since this one logged in.

    Checked before anything else, so a cookie saved before log-out opens nothing and, refused, never
    gets its idle timer refreshed: a stolen cookie dies with the owner's log-out or new password.
    """
    return session.get(SESSION_VERSION) != current_user.session_version


def _expired(now: int) -> str | None:
    """'idle' or 'lifetime' when the session has run out, else None."""
    idle = int(current_app.config["SESSION_IDLE_MINUTES"]) * 60
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    seen_at, login_at = session.get(SEEN_AT), session.get(LOGIN_AT)
    # A session from before the time-outs existed has no stamps: treat it as just seen.
    if isinstance(seen_at, int) and idle > 0 and now - seen_at > idle:
        return "idle"
    if isinstance(login_at, int) and now - login_at > lifetime:
        return "lifetime"
    return None


def mark_second_factor(user) -> None:
    """Remember in the session that this log-in passed the second factor the user has now."""
    session[SECOND_FACTOR] = int(user.totp_enabled_at.timestamp())


def second_factor_delegated() -> bool:
    """Staff two-factor is the IdP's when this session came from the municipality's single sign-on (still
    configured): the IdP decides how strongly its people log in (MFA in Entra ID, AD FS). A password log-in,
    or a deployment without SSO, keeps the local TOTP."""
    from app.services.accounts import single_sign_on
    return session.get(SIGNED_IN_BY) == "oidc" and single_sign_on.configured()


def _second_factor_missing() -> bool:
    """A session that must have passed two-factor but did not (or passed one an administrator has since reset):
    a member made caseworker while logged in, a session from before two-factor, a reset phone."""
    from app.services.accounts import two_factor
    if second_factor_delegated() or not two_factor.needs_second_step(current_user):
        return False
    enabled = current_user.totp_enabled_at
    return enabled is None or session.get(SECOND_FACTOR) != int(enabled.timestamp())


def enforce_session_timeouts():
    """Log out a user idle too long (or logged in too long); any other request counts as activity."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = int(clock.timestamp())
    reason = "revoked" if _revoked() else "second_factor" if _second_factor_missing() else _expired(now)
    if reason is None:
        session.setdefault(LOGIN_AT, now)
        session[SEEN_AT] = now
        return None
    logout_user()
    session.pop(LOGIN_AT, None)
    session.pop(SEEN_AT, None)
    session.pop(SECOND_FACTOR, None)
    session.pop(SESSION_VERSION, None)
    session.pop(SIGNED_IN_BY, None)
    if reason == "revoked":
        flash(_("Du er blevet logget ud. Log ind igen."), "info")
    elif reason == "second_factor":
        flash(_("Log ind igen med din kode fra autentificeringsappen."), "info")
    elif reason == "idle":
        flash(ngettext("Du er blevet logget ud, fordi du ikke har brugt siden i %(num)s minut. Log ind igen.",
                       "Du er blevet logget ud, fordi du ikke har brugt siden i %(num)s minutter. Log ind igen.",
                       int(current_app.config["SESSION_IDLE_MINUTES"])), "info")
    else:
        flash(ngettext("Du har været logget ind i mere end %(num)s time. Log ind igen.",
                       "Du har været logget ind i mere end %(num)s timer. Log ind igen.",
                       int(current_app.permanent_session_lifetime.total_seconds() // 3600)), "info")
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target))

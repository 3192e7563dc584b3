"""Security headers on every response, and the session's idle and absolute time-outs."""
from __future__ import annotations

import time

from flask import Flask, Response, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user, user_logged_in

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
    now = int(time.time())
    session.permanent = True
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


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


def _second_factor_missing() -> bool:
    """A session that must have passed two-factor but did not (or passed one an administrator has since reset):
    a member made caseworker while logged in, a session from before two-factor, a reset phone."""
    from app.services import two_factor
    if not two_factor.needs_second_step(current_user):
        return False
    enabled = current_user.totp_enabled_at
    return enabled is None or session.get(SECOND_FACTOR) != int(enabled.timestamp())


def enforce_session_timeouts():
    """Log out a user idle too long (or logged in too long); any other request counts as activity."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = int(time.time())
    reason = "second_factor" if _second_factor_missing() else _expired(now)
    if reason is None:
        session.setdefault(LOGIN_AT, now)
        session[SEEN_AT] = now
        return None
    logout_user()
    session.pop(LOGIN_AT, None)
    session.pop(SEEN_AT, None)
    session.pop(SECOND_FACTOR, None)
    if reason == "second_factor":
        flash(_("Log ind igen med din kode fra autentificeringsappen."), "info")
    elif reason == "idle":
        flash(_("Du er blevet logget ud, fordi du ikke har brugt siden i %(minutes)s minutter. Log ind igen.",
                minutes=current_app.config["SESSION_IDLE_MINUTES"]), "info")
    else:
        flash(_("Du har været logget ind i mere end %(hours)s timer. Log ind igen.",
                hours=int(current_app.permanent_session_lifetime.total_seconds() // 3600)), "info")
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target))

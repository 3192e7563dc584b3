"""The language switch; the choice is remembered in a cookie and on the user."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_login import current_user

from app.i18n import COOKIE
from app.security import safe_next
from app.services.accounts import settings as accounts_settings

bp = Blueprint("i18n", __name__)


@bp.route("/sprog", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    if current_user.is_authenticated:
        accounts_settings.set_locale(current_user, lang)
    response = redirect(safe_next(request.form.get("next")) or url_for("main.index"))
    response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response

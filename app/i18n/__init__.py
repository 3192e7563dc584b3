"""Locale selection: the user's saved choice, then the cookie, then Danish."""
from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

COOKIE = "sprog"


def select_locale() -> str:
    """Flask-Babel locale selector."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get(COOKIE) if request else None
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    """The locale of this request as a plain string."""
    from flask_babel import get_locale
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])

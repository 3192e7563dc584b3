"""Locale selection: the user's saved choice, then the cookie, then Danish."""
from __future__ import annotations

from flask import current_app, request
from flask_babel import LazyString
from flask_login import current_user
from markupsafe import Markup, escape

COOKIE = "sprog"


def _escaped_html(self: LazyString) -> Markup:
    """A lazy text in a template is escaped like any other text.

    Flask-Babel's LazyString.__html__ returns the text as it is, so Jinja trusts it: a message such as
    _l("Disse datoer kan ikke læses: %(dates)s", dates=what_the_user_typed) would put the user's HTML
    into the page unescaped. Our messages never carry markup of their own, so escaping is always right.
    """
    return escape(str(self))


LazyString.__html__ = _escaped_html


def select_locale() -> str:
    """Flask-Babel locale selector."""
    languages = current_app.config["LANGUAGES"]
    if request and request.path.startswith("/api/"):  # an integration has no cookie or account: it asks
        return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get(COOKIE) if request else None
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    """The locale of this request as a plain string."""
    from flask_babel import get_locale
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])

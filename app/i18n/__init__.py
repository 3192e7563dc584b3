"""Locale selection: the user's saved choice, then the cookie, then Danish."""
from __future__ import annotations

from types import SimpleNamespace

import flask_babel
from flask import current_app, request
from flask.globals import _cv_app
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

_original_babel_context = flask_babel._get_current_context


def _babel_context() -> SimpleNamespace | None:
    """Flask-Babel's namespace on the app context (locale, zone, translations), as its own
    `_get_current_context` finds it, but read from Flask's context variable instead of through `g` three times.

    Every translated text, date and amount asks for it: about 600 times for one page of the queue, where the
    three proxy look-ups were a twentieth of the page's time. tests/test_translations.py holds it equal to
    Flask-Babel's own.
    """
    ctx = _cv_app.get(None)
    if ctx is None:
        return None
    found = ctx.g.__dict__.get("_flask_babel")
    if found is None:
        found = ctx.g._flask_babel = SimpleNamespace()
    return found


flask_babel._get_current_context = _babel_context


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

"""Rate limits of the account pages: per client address and per account.

The client address is `request.remote_addr`, which ProxyFix sets from X-Forwarded-For when the app runs
behind TRUSTED_PROXIES proxies (app/__init__.py). Per-account keys use the normalised e-mail address
typed into the form, whether or not a user has it, so a limit reached says nothing about the address;
the address is hashed so the limiter's storage (Redis) holds no e-mail addresses.
"""
from __future__ import annotations

import hashlib

from flask import current_app, request
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response


def per_ip() -> str:
    """The log-in, reset and 2FA limit per client address."""
    return current_app.config["RATELIMIT_LOGIN"]


def per_account_failures() -> str:
    """Failed log-ins per account."""
    return current_app.config["RATELIMIT_LOGIN_ACCOUNT"]


def per_account_mail() -> str:
    """E-mails (reset links, sign-up answers) per address."""
    return current_app.config["RATELIMIT_MAIL_ACCOUNT"]


def signup_per_ip() -> str:
    """Sign-ups per client address."""
    return current_app.config["RATELIMIT_SIGNUP"]


def client_address() -> str:
    """The client's address (from X-Forwarded-For only behind trusted proxies)."""
    return get_remote_address() or "unknown"


def account_key() -> str:
    """The account a form is about: a hash of the normalised e-mail address (never empty)."""
    email = (request.form.get("email") or "").strip().lower()
    return "account:" + hashlib.sha256(email.encode("utf-8")).hexdigest()


def login_failed(response: Response) -> bool:
    """A log-in POST failed when the form comes back (a success or the 2FA step redirects)."""
    return response.status_code == 200

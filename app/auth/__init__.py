"""Sign-up, log-in, e-mail confirmation and password reset."""
from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/konto")

from app.auth import nemlogin, routes, sso, two_factor  # noqa: E402,F401

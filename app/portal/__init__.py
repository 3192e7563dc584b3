"""The association portal."""
from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/forening")

from app.portal import routes  # noqa: E402,F401

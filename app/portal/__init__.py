"""The association portal."""
from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/forening")

from app.portal import routes, association_routes, board_routes  # noqa: E402,F401

"""Committee meetings (agenda, decisions, closing), decision corrections, and the notices page."""
from flask import Blueprint

bp = Blueprint("committee", __name__, url_prefix="/udvalg")
notices_bp = Blueprint("notices_admin", __name__, url_prefix="/administration/beskeder")

from app.committee import batch_routes, decision_routes, notices_routes, routes  # noqa: E402,F401

"""Staff areas: caseworker queue and committee pages."""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/sagsbehandling")

from app.staff import routes  # noqa: E402,F401

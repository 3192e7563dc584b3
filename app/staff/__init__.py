"""Staff areas: caseworker queue, case pages and committee pages."""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/sagsbehandling")

from app.staff import case_routes, decision_routes, routes, subsidy_batch_routes  # noqa: E402,F401

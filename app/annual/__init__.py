"""Årlig indberetning: the association's annual report, the caseworker's review, the administrator's campaigns."""
from flask import Blueprint

bp = Blueprint("annual", __name__, url_prefix="/indberetning")

from app.annual import member_routes, staff_routes  # noqa: E402,F401

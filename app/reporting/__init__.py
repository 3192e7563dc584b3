"""Reporting after a grant: the association's report, the caseworker's review, repayment claims."""
from flask import Blueprint

bp = Blueprint("reporting", __name__)

from app.reporting import member_routes, staff_routes  # noqa: E402,F401

"""The indicator dashboard for staff: grants, processing times, associations reached, premises use."""
from flask import Blueprint

bp = Blueprint("indicators", __name__, url_prefix="/indikatorer")

from app.indicators import routes  # noqa: E402,F401

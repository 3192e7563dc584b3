"""Open data and the public "Støtte givet" page (no login)."""
from flask import Blueprint

bp = Blueprint("opendata", __name__)

from app.opendata import routes  # noqa: E402,F401

"""The public directory of associations (opt-in) and the association's page for its own listing."""
from flask import Blueprint

bp = Blueprint("directory", __name__)

from app.directory import routes  # noqa: E402,F401

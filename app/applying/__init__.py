"""Applying for a grant: start a draft, fill the pool's form step by step, submit, get the receipt."""
from flask import Blueprint

bp = Blueprint("applying", __name__, url_prefix="/forening/ansoegninger")

from app.applying import cpr_routes, start_routes, step_routes, submit_routes  # noqa: E402,F401

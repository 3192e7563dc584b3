"""Payouts: payment plans and payment batches for the finance system (caseworkers)."""
from flask import Blueprint

bp = Blueprint("payouts", __name__, url_prefix="/udbetalinger")

from app.payouts import routes  # noqa: E402,F401

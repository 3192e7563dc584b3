"""Staff page: associations' requests for approval as folkeoplysende forening."""
from flask import Blueprint

bp = Blueprint("approvals", __name__, url_prefix="/sagsbehandling/godkendelser")

from app.approvals import routes  # noqa: E402,F401

"""Personal data: export of everything about a person or an association, account deletion, retention rules."""
from flask import Blueprint

# cli_group=None: `flask anonymise-expired`, not `flask personal_data anonymise-expired`.
bp = Blueprint("personal_data", __name__, url_prefix="/privatliv", cli_group=None)

from app.personal_data import commands, routes  # noqa: E402,F401

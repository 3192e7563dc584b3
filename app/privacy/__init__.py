"""Privacy: who read our data, the case export (aktindsigt), Mine data (exports, account deletion), retention.

routes: the read logs and case exports · data_routes: everything under /privatliv
"""
from flask import Blueprint

bp = Blueprint("privacy", __name__)

from app.privacy import data_routes, routes  # noqa: E402,F401

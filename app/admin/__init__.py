"""Administration: users, pools, forms, committees, letter settings and the journal of changes."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import (routes, pool_views, form_views, form_preview, journal_views,  # noqa: E402,F401
                       legal_basis_views, scheme_views, api_client_views)
from app.admin.helpers import condition_label, error_items, kind_label  # noqa: E402

bp.add_app_template_global(error_items, "admin_error_items")
bp.add_app_template_global(kind_label, "kind_label")
bp.add_app_template_global(condition_label, "condition_label")

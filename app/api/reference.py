"""The API's reference page, rendered on the server from the OpenAPI document (no docs UI from a CDN)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("api_reference", __name__, url_prefix="/api/v1")
METHODS = ("get", "post", "put", "patch", "delete")


@bp.route("/")
def reference():
    """Every operation with its parameters, scopes and answers; the JSON document is linked for tools."""
    spec = current_app.extensions["api_v1"].spec.to_dict()
    operations = [(path, method.upper(), op) for path, item in spec.get("paths", {}).items()
                  for method, op in item.items() if method in METHODS]
    return render_template("api/reference.html", spec=spec, operations=operations,
                           schemas=spec.get("components", {}).get("schemas", {}))

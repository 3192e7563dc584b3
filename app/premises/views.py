"""The blueprint with all its routes loaded (imported by register_blueprints)."""
from app.premises import bp
from app.premises import routes_admin, routes_member, routes_public, routes_staff, template_helpers  # noqa: F401

__all__ = ["bp"]

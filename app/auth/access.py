"""Access requirements as decorators; the object look-ups that check ownership are in app/access.py."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort
from flask_login import current_user, login_required


def require_role(*roles: str) -> Callable:
    """The view needs a logged-in user with one of `roles` (403 otherwise)."""
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        wrapped.required_roles = roles  # read by the access-matrix test
        return wrapped
    return decorator


require_member = require_role("member")
require_staff = require_role("caseworker", "committee_member", "administrator")
require_caseworker = require_role("caseworker", "administrator")
require_admin = require_role("administrator")

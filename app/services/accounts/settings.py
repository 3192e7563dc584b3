"""A user's own settings."""
from __future__ import annotations

from app.models.user import User
from app.services.unit_of_work import use_case


@use_case
def set_locale(user: User, locale: str) -> None:
    """Remember the user's language."""
    user.locale = locale

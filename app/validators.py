"""Pure validation rules and their WTForms wrappers."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form
from wtforms.validators import ValidationError

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def normalise_cvr(value: str) -> str:
    """Strip spaces and a 'DK' prefix: ' DK 1234 5678 ' -> '12345678'."""
    value = re.sub(r"\s+", "", value or "").upper()
    return value[2:] if value.startswith("DK") else value


def is_valid_cvr(value: str) -> bool:
    """Eight digits whose weighted sum (2,7,6,5,4,3,2,1) is divisible by 11."""
    if not re.fullmatch(r"[1-9]\d{7}", value or ""):
        return False
    return sum(int(d) * w for d, w in zip(value, CVR_WEIGHTS)) % 11 == 0


def cvr_check(form: Form, field: Field) -> None:
    """WTForms validator: a CVR number must have 8 digits and a valid check digit."""
    if not field.data:
        return
    field.data = normalise_cvr(field.data)
    if not re.fullmatch(r"\d{8}", field.data):
        raise ValidationError(_l("Et CVR-nummer består af 8 cifre, fx 12345674."))
    if not is_valid_cvr(field.data):
        raise ValidationError(_l("CVR-nummeret findes ikke: kontrolcifferet passer ikke. Tjek for tastefejl."))


def password_strength(form: Form, field: Field) -> None:
    """The password policy (app/services/accounts/password_policy.py) on a form with `email`/`full_name` fields
    or an `account` (the user whose password is being set)."""
    from flask import current_app
    from app.services.accounts.password_policy import problem
    account = getattr(form, "account", None)
    email = form.email.data if "email" in form else getattr(account, "email", None)
    name = form.full_name.data if "full_name" in form else getattr(account, "full_name", None)
    message = problem(field.data or "", min_length=int(current_app.config["PASSWORD_MIN_LENGTH"]),
                      email=email, name=name)
    if message is not None:
        raise ValidationError(message)

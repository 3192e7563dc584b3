"""The municipality's letterhead and contact details used in letters and e-mails."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app


@dataclass(frozen=True)
class Letterhead:
    """Everything a letter needs to say who sends it."""

    name: str
    department: str
    address: str
    email: str
    phone: str
    logo_path: str | None = None
    signature_lines: tuple[str, ...] = field(default_factory=tuple)


def get_letterhead() -> Letterhead:
    """The letterhead from configuration (administrators may override it in the app)."""
    c = current_app.config
    return Letterhead(name=c["MUNICIPALITY_NAME"], department=c["MUNICIPALITY_DEPARTMENT"],
                      address=c["MUNICIPALITY_ADDRESS"], email=c["MUNICIPALITY_EMAIL"],
                      phone=c["MUNICIPALITY_PHONE"], logo_path=c.get("MUNICIPALITY_LOGO_PATH"),
                      signature_lines=(c["MUNICIPALITY_DEPARTMENT"], c["MUNICIPALITY_NAME"]))

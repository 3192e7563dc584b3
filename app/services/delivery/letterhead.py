"""The municipality's letterhead and contact details used in letters and e-mails."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from app.extensions import db
from app.models import User
from app.pdf.data import Sender
from app.services.delivery.letter_settings import get_settings
from app.services.files import storage as files


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
    logo_content_type: str | None = None
    logo_key: str | None = None  # an uploaded logo in the file store (takes the place of logo_path)


def get_letterhead() -> Letterhead:
    """Administrators' settings where they are filled in, configuration for the rest."""
    c = current_app.config
    row = get_settings()

    def pick(attribute: str, key: str) -> str:
        value = (getattr(row, attribute) or "").strip() if row is not None else ""
        return value or c[key]

    name, department = pick("name", "MUNICIPALITY_NAME"), pick("department", "MUNICIPALITY_DEPARTMENT")
    lines = tuple(line.strip() for line in (row.signature_lines if row else "").splitlines() if line.strip())
    logo_path, logo_type, logo_key = c.get("MUNICIPALITY_LOGO_PATH"), None, None
    if row is not None and row.logo_key:
        logo_path, logo_type, logo_key = None, row.logo_content_type, row.logo_key
    return Letterhead(name=name, department=department, address=pick("address", "MUNICIPALITY_ADDRESS"),
                      email=pick("email", "MUNICIPALITY_EMAIL"), phone=pick("phone", "MUNICIPALITY_PHONE"),
                      logo_path=logo_path, signature_lines=lines or (department, name),
                      logo_content_type=logo_type, logo_key=logo_key)


def sender() -> Sender:
    """The letterhead as the PDF layer wants it (the logo as bytes)."""
    head = get_letterhead()
    logo = None
    if head.logo_key:
        try:
            logo = files.read_bytes(head.logo_key)
        except (FileNotFoundError, ValueError):  # a letter without its logo rather than no letter; logged
            current_app.logger.error("letterhead logo %s missing or altered in the file store", head.logo_key)
    elif head.logo_path and Path(head.logo_path).is_file():
        logo = Path(head.logo_path).read_bytes()
    return Sender(name=head.name, department=head.department, address=head.address, email=head.email,
                  phone=head.phone, signature_lines=tuple(head.signature_lines), logo=logo)


def locale_for(email: str) -> str | None:
    """The language a user with this e-mail address chose (None: the default)."""
    return db.session.scalar(db.select(User.locale).where(User.email == email.strip().lower()))

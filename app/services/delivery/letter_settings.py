"""The municipality's letter settings: stored in one row, edited by administrators, journalised."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import MunicipalitySettings, User
from app.models.settings import SETTINGS_ID
from app.services.files import antivirus, storage as files
from app.services.journals import audit as admin_audit
from app.services.journals.audit import SetupError
from app.services.unit_of_work import flush, use_case

TEXT_FIELDS = ("name", "department", "address", "email", "phone", "signature_lines")
MAX_LOGO_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class SettingsValues:
    """What the letter settings form sends; empty text means 'use the configured default'."""

    name: str = ""
    department: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    signature_lines: str = ""


def get_settings() -> MunicipalitySettings | None:
    """The stored settings row, if an administrator has saved one."""
    return db.session.get(MunicipalitySettings, SETTINGS_ID)


def logo_type(data: bytes) -> str | None:
    """'image/png' or 'image/jpeg' judged from the file's first bytes, else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def _snapshot(row: MunicipalitySettings) -> dict:
    return {**admin_audit.snapshot(row, TEXT_FIELDS), "logo_key": row.logo_key}


@use_case
def save_settings(actor: User, values: SettingsValues, logo: bytes | None = None,
                  remove_logo: bool = False) -> MunicipalitySettings:
    """Store the letter settings (and a new logo, checked by content, not by name)."""
    logo_content_type = None
    if logo:
        if len(logo) > MAX_LOGO_BYTES:
            raise SetupError(_l("Logoet er for stort. Det må højst fylde 2 MB."), "logo")
        logo_content_type = logo_type(logo)
        if logo_content_type is None:
            raise SetupError(_l("Logoet skal være et PNG- eller JPEG-billede."), "logo")
        virus = antivirus.problem(logo, "logo")  # every upload passes the virus scanner
        if virus is not None:
            raise SetupError(virus, "logo")
    row = get_settings()
    before = _snapshot(row) if row is not None else None
    if row is None:
        row = MunicipalitySettings(id=SETTINGS_ID)
        db.session.add(row)
    for name in TEXT_FIELDS:
        setattr(row, name, getattr(values, name).strip())
    if logo_content_type:
        row.logo_key, _ = files.store_bytes(logo)
        row.logo_content_type = logo_content_type
    elif remove_logo:
        row.logo_key = row.logo_content_type = None
    flush()
    admin_audit.record(actor, "settings", SETTINGS_ID, "update", before, _snapshot(row))
    return row

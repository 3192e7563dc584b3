"""The municipality's letter settings: one row, edited by administrators."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime

SETTINGS_ID = 1


class MunicipalitySettings(db.Model):
    """Name, address, logo, signature and contact used in letters. Empty values fall back to config."""

    __tablename__ = "municipality_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=SETTINGS_ID)
    name: Mapped[str] = mapped_column(String(200), default="")
    department: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    signature_lines: Mapped[str] = mapped_column(Text, default="")  # one line per line
    logo_key: Mapped[str | None] = mapped_column(String(64))
    logo_content_type: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

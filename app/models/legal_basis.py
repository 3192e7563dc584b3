"""The library of legal bases: each entry pairs a basis with the appeal guidance that follows from it.

A pool chooses one entry, and a decision copies both texts from that one entry, so a letter never pairs
one basis with another basis's guidance (forvaltningsloven § 25)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db
from app.models.base import UTCDateTime

FOLKEOPLYSNING_APPEAL = (
    "I kan ikke klage over afgørelsen til en anden administrativ myndighed (folkeoplysningslovens § 42).\n\n"
    "I kan dog klage over retlige spørgsmål til Ankestyrelsen, som fører tilsyn med kommunerne: hvis I mener, "
    "at afgørelsen er i strid med loven, fx med folkeoplysningsloven eller forvaltningsloven. Skriv til "
    "Ankestyrelsen via ast.dk. Der er ingen frist, men skriv gerne så hurtigt som muligt.\n\n"
    "Mener I, at vi har misforstået noget, så skriv til os, så ser vi på sagen igen.")
SERVICELOV_APPEAL = (
    "I kan ikke klage over afgørelsen til en anden administrativ myndighed. Tilskud efter servicelovens § 18 "
    "gives inden for den ramme og de retningslinjer, kommunen selv fastsætter, og afgørelsen kan ikke "
    "påklages til Ankestyrelsen som klagesag.\n\n"
    "Mener I, at afgørelsen er i strid med loven, kan I bede Ankestyrelsen se på den som tilsynsmyndighed "
    "for kommunerne (retlige spørgsmål). Skriv til Ankestyrelsen via ast.dk.\n\n"
    "Mener I, at vi har misforstået noget, så skriv til os, så ser vi på sagen igen.")
OWN_RULES_APPEAL = (
    "Tilskuddet gives efter kommunens egne regler (kommunalfuldmagten), og I kan ikke klage over afgørelsen "
    "til en anden administrativ myndighed.\n\n"
    "Mener I, at afgørelsen er i strid med loven, kan I bede Ankestyrelsen se på den som tilsynsmyndighed "
    "for kommunerne (retlige spørgsmål). Skriv til Ankestyrelsen via ast.dk.\n\n"
    "Mener I, at vi har misforstået noget, så skriv til os, så ser vi på sagen igen.")
DEFAULT_APPEAL = (
    "I kan klage over afgørelsen. Send klagen til kommunen inden 4 uger efter, at I har modtaget "
    "afgørelsen. Kommunen ser sagen igennem igen og sender klagen videre, hvis vi fastholder afgørelsen.")

# The library as installed (migration 0280) and as the demo uses it:
# code, name (as a letter writes it), appeal guidance, note for administrators.
SEED = (
    ("servicelov-18", "servicelovens § 18", SERVICELOV_APPEAL,
     "Tilskud til frivilligt socialt arbejde."),
    ("folkeoplysning-18", "folkeoplysningslovens § 18", FOLKEOPLYSNING_APPEAL,
     "Tilskud til folkeoplysende foreningers aktiviteter for børn og unge (aktivitetstilskud)."),
    ("folkeoplysning-19", "folkeoplysningslovens § 19", FOLKEOPLYSNING_APPEAL,
     "Tilskud til andre aktiviteter, udviklingsarbejde og puljer efter folkeoplysningsloven."),
    ("folkeoplysning-21-22", "folkeoplysningslovens §§ 21-22", FOLKEOPLYSNING_APPEAL,
     "Anvisning og lån af kommunens lokaler og faciliteter."),
    ("folkeoplysning-25", "folkeoplysningslovens § 25", FOLKEOPLYSNING_APPEAL,
     "Tilskud til egne og lejede lokaler (lokaletilskud)."),
    ("frivillighedspolitik", "kommunens frivillighedspolitik", OWN_RULES_APPEAL,
     "Kommunens egne puljer uden særlig lov, fx til nye initiativer."),
    ("kulturpolitik", "kommunens kulturpolitik", OWN_RULES_APPEAL,
     "Kommunens egne kulturpuljer uden særlig lov."),
)


class LegalBasis(db.Model):
    """A legal basis (as a letter names it) and its appeal guidance, maintained by the administrator."""

    __tablename__ = "legal_bases"
    __table_args__ = (
        UniqueConstraint("code"),
        CheckConstraint("length(trim(name)) > 0", name="name_required"),
        CheckConstraint("length(trim(appeal_text)) > 0", name="appeal_required"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60))  # a stable key for the seed and the demo
    name: Mapped[str] = mapped_column(String(300))  # "folkeoplysningslovens § 25", as written in a letter
    appeal_text: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")  # for administrators: when to choose this entry
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

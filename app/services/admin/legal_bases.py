"""The library of legal bases and their appeal guidance, as the administrator maintains it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import LegalBasis, User
from app.services.journals import audit as admin_audit
from app.services.journals.audit import SetupError
from app.services.pools.setup import slugify
from app.services.unit_of_work import use_case

SNAPSHOT = ("code", "name", "appeal_text", "note")


def entries() -> list[LegalBasis]:
    """Every entry, by name."""
    return list(db.session.scalars(db.select(LegalBasis).order_by(LegalBasis.name)))


def _check(name: str, appeal_text: str, entry_id: int | None) -> None:
    if not name.strip():
        raise SetupError(_l("Skriv lovgrundlaget, som det skal stå i brevet."), "name")
    if not appeal_text.strip():
        raise SetupError(_l("Skriv klagevejledningen. Hver afgørelse skal have en (forvaltningsloven § 25)."),
                         "appeal_text")
    clash = db.session.scalar(db.select(LegalBasis.id).where(db.func.lower(LegalBasis.name) == name.lower()))
    if clash is not None and clash != entry_id:
        raise SetupError(_l("Lovgrundlaget findes allerede i listen."), "name")


def _new_code(name: str) -> str:
    base = slugify(name)[:50] or "lovgrundlag"
    code, n = base, 1
    while db.session.scalar(db.select(LegalBasis.id).where(LegalBasis.code == code)) is not None:
        n += 1
        code = f"{base}-{n}"
    return code


@use_case
def save_legal_basis(actor: User, entry_id: int | None, name: str, appeal_text: str, note: str = "") -> LegalBasis:
    """Create or change an entry. Pools that use it write the new texts in their next decisions;
    decisions already made keep the texts they were sent with."""
    name = " ".join(name.split())
    _check(name, appeal_text, entry_id)
    entry = db.session.get(LegalBasis, entry_id, with_for_update=True) if entry_id else None
    if entry_id and entry is None:
        raise SetupError(_l("Lovgrundlaget findes ikke."))
    before = admin_audit.snapshot(entry, SNAPSHOT) if entry else None
    if entry is None:
        entry = LegalBasis(code=_new_code(name))
        db.session.add(entry)
    entry.name, entry.appeal_text, entry.note = name, appeal_text.strip(), note.strip()
    db.session.flush()
    admin_audit.record(actor, "legal_basis", entry.id, "update" if before else "create", before,
                       admin_audit.snapshot(entry, SNAPSHOT))
    return entry

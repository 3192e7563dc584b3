"""Partsaktindsigt (forvaltningsloven § 9): the whole case as one ZIP, built in a temporary file.

What the party gets: the journal (public entries) as a PDF/A print, every document they gave us, every
document sent to them (letters once available to them, receipts), and an index. Internal working
documents (interne notater and internal documents) are left out: forvaltningsloven § 12 and
offentlighedsloven §§ 23-24 exempt an authority's internal working documents from access. Unsent letter
drafts are left out too (they are not yet a document of the case towards the party).
A caseworker gets the same package by default, so what they hand over is what the party would get; they
may tick "med interne notater" for an internal copy that also has the internal notes and documents.

The ZIP is written to a temporary file and each stored document is copied in chunks, so a case with
many large files never sits in memory. The export is journalised and written to the read log in one
commit before the file is sent (if that commit fails, nothing is sent: see read_log).
"""
from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from flask import current_app

from app import clock
from app.extensions import db
from app.formatting import numeric_moment
from app.models import Case, CaseEvent, Decision, Document, User
from app.models.report import RepaymentClaim
from app.pdf.renderers import render_case_journal
from app.services.cases.journal_print import DIRECTION_WORDS, journal_print
from app.services.cases.transitions import journal
from app.services.delivery.letterhead import sender
from app.services.files import storage as files
from app.services.files.attachments import EXTENSIONS
from app.services.journals import read_log

INDEX_NAME = "00-indholdsfortegnelse.txt"
JOURNAL_NAME = "01-journal.pdf"
COPY_CHUNK = 1024 * 1024


@dataclass
class CaseExport:
    """The finished ZIP (a temporary file, rewound) and the name to offer the browser."""

    file: IO[bytes]
    download_name: str
    names: dict[int, str]  # document id -> its path inside the ZIP


def visible_to_party(case: Case) -> list[Document]:
    """The case's documents the party may see: not internal, and letters only once sent to them."""
    docs = db.session.scalars(db.select(Document).where(Document.case_id == case.id, Document.direction != "internal")
                              .order_by(Document.created_at, Document.id)).all()
    sent = set(db.session.scalars(db.select(Decision.letter_document_id).where(
        Decision.case_id == case.id, Decision.letter_available_at.is_not(None))))
    sent |= set(db.session.scalars(db.select(RepaymentClaim.letter_document_id).where(
        RepaymentClaim.case_id == case.id, RepaymentClaim.letter_document_id.is_not(None))))
    return [d for d in docs if d.kind != "letter" or d.id in sent]


def all_documents(case: Case) -> list[Document]:
    """Every document of the case (the caseworker's internal copy)."""
    return list(db.session.scalars(db.select(Document).where(Document.case_id == case.id)
                                   .order_by(Document.created_at, Document.id)))


def safe_name(filename: str | None, content_type: str, number: int) -> str:
    """'007-Budget 2026.pdf': numbered (so never two alike), no folders, no control characters."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[\\/]", name)[-1]
    name = re.sub(r'[\x00-\x1f\x7f<>:"|?*]', "", name)
    name = re.sub(r"\s+", " ", name).strip()
    stem, dot, ext = name.rpartition(".")
    stem = (stem if dot else ext).strip(" .")[:100] or "fil"
    return f"{number:03d}-{stem}.{EXTENSIONS.get(content_type, 'bin')}"


def folder(document: Document) -> str:
    """Letters, internal documents and the rest each get their own folder."""
    if document.direction == "internal":
        return "interne"
    return "breve" if document.kind == "letter" or document.direction == "out" else "dokumenter"


def arc_names(docs: list[Document]) -> dict[int, str]:
    """A unique path inside the ZIP for every document (generated, never taken from a user as is)."""
    names, taken = {}, set()
    for number, document in enumerate(docs, start=1):
        name = f"{folder(document)}/{safe_name(document.filename, document.content_type, number)}"
        while name.lower() in taken:  # cannot happen with numbered names; kept as a guard
            name = name.replace("/", "/x", 1)
        taken.add(name.lower())
        names[document.id] = name
    return names


def zip_time(moment: datetime) -> tuple:
    """ZIP entries carry local wall-clock time (and cannot predate 1980)."""
    return max(tuple(clock.local(moment).timetuple()[:6]), (1980, 1, 1, 0, 0, 0))


def add_stored(archive: zipfile.ZipFile, document: Document, name: str) -> bool:
    """Copy one stored file into the ZIP in chunks; False (and an error logged) when it is missing."""
    try:
        source = files.open_verified(document.storage_key, document.sha256)
    except (FileNotFoundError, ValueError):  # StoredFileCorrupt is a ValueError: a wrong file is left out too
        current_app.logger.error("export: document %s: stored file missing", document.id)
        return False
    info = zipfile.ZipInfo(name, date_time=zip_time(document.created_at))
    info.compress_type = zipfile.ZIP_DEFLATED
    with source, archive.open(info, "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target, COPY_CHUNK)
    return True


def _index(case: Case, docs: list[Document], names: dict[int, str], missing: set[int], with_internal: bool,
           now: datetime) -> str:
    lines = [f"Sag {case.number or case.id}: {case.title}", f"Forening: {case.association.name}",
             f"Udskrevet: {numeric_moment(now)}",
             "Med interne notater (til intern brug)" if with_internal
             else "Aktindsigt for parten: interne arbejdsdokumenter er undtaget "
                  "(offentlighedslovens §§ 23-24, forvaltningslovens § 12).", "",
             "Indholdsfortegnelse", "", f"{INDEX_NAME}  Denne oversigt",
             f"{JOURNAL_NAME}  Journalen: alt, der er sket i sagen, med dato og hvem", ""]
    for d in docs:
        state = "  (filen mangler i arkivet; kontakt kommunen)" if d.id in missing else ""
        lines.append(f"{names[d.id]}  {DIRECTION_WORDS.get(d.direction, d.kind)} {numeric_moment(d.created_at)}: "
                     f"{d.filename}{' – ' + d.description if d.description else ''}  SHA-256 {d.sha256}{state}")
    return "\n".join(lines) + "\n"


def build(case: Case, *, with_internal: bool) -> CaseExport:
    """Write the ZIP to a temporary file and return it rewound."""
    now = clock.now()
    docs = all_documents(case) if with_internal else visible_to_party(case)
    events = [e for e in journal(case) if with_internal or e.visibility == "public"]
    names = arc_names(docs)
    out = tempfile.TemporaryFile(prefix="aktindsigt-")
    try:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            missing = {d.id for d in docs if not add_stored(archive, d, names[d.id])}
            shown = {k: v for k, v in names.items() if k not in missing}
            data = journal_print(case, events, docs, shown, sender=sender(), printed_at=now,
                                 with_internal=with_internal)
            archive.writestr(JOURNAL_NAME, render_case_journal(data, now))
            archive.writestr(INDEX_NAME, _index(case, docs, names, missing, with_internal, now))
    except BaseException:
        out.close()
        raise
    out.seek(0)
    suffix = "-intern" if with_internal else ""
    number = re.sub(r"[^0-9A-Za-z-]", "-", case.number or str(case.id))
    return CaseExport(out, f"aktindsigt-sag-{number}{suffix}.zip", names)


def export_case(case: Case, user: User, *, with_internal: bool = False) -> CaseExport:
    """Use case: build the ZIP, journalise the export and log it as a read, one commit; then it may be sent.

    Only caseworkers and administrators may ask for internal notes (the view checks the role; this
    refuses too, so no other caller can leak them).
    """
    if with_internal and user.role not in ("caseworker", "administrator"):
        raise PermissionError("only caseworkers and administrators may export internal notes")
    export = build(case, with_internal=with_internal)
    try:
        count = len(export.names)
        with read_log.logged_read():  # the journal line and the read commit together, or ReadNotLogged
            db.session.add(CaseEvent(case_id=case.id, actor_id=user.id, kind="export", action="case_export",
                                     visibility="internal" if with_internal else "public",
                                     comment=(f"Hele sagen hentet som ZIP med {count} dokumenter"
                                              + (" og interne notater" if with_internal else ""))))
            read_log.add_read(user, "case_export", case.id, case_id=case.id, association_id=case.association_id,
                              subject_user_id=case.created_by_id)
    except BaseException:
        export.file.close()
        raise
    return export

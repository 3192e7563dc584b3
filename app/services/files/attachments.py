"""Uploaded files: type from the content (never the name), a size limit, storage, and serving with access checks."""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from flask import Response, abort, current_app, send_file
from flask_babel import LazyString, lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import Case, CommitteeMember, Decision, Document, Membership, Pool, User
from app.services.files import antivirus, archive_safety, image_metadata, pdf_safety, storage as files
from app.services.journals import read_log

# Detected type -> the extension a downloaded copy gets.
EXTENSIONS = {
    "application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/msword": "doc", "application/vnd.ms-excel": "xls", "application/vnd.ms-powerpoint": "ppt",
    "text/plain": "txt", "text/csv": "csv",
}
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif"})
ALLOWED_DESCRIPTION = _l("PDF, billeder (PNG, JPG, GIF), Word, Excel, PowerPoint, OpenDocument, tekst eller CSV")

_OOXML = {
    b"wordprocessingml.document.main+xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    b"spreadsheetml.sheet.main+xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    b"presentationml.presentation.main+xml": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_ODF = {b"application/vnd.oasis.opendocument.text", b"application/vnd.oasis.opendocument.spreadsheet"}
# Stream names (UTF-16LE in the compound file's directory) that tell Word, Excel and PowerPoint apart.
_OLE_STREAMS = (("WordDocument", "application/msword"), ("Workbook", "application/vnd.ms-excel"),
                ("Book", "application/vnd.ms-excel"), ("PowerPoint Document", "application/vnd.ms-powerpoint"))
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class AttachmentRejected(Exception):
    """The file cannot be accepted; `message` is a Danish sentence for the person who sent it."""

    def __init__(self, message: LazyString | str, filename: str = "") -> None:
        super().__init__(str(message))
        self.message = message
        self.filename = filename


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks, held in memory until it is stored."""

    data: bytes
    content_type: str
    filename: str


def detect_type(data: bytes, filename: str = "") -> str | None:
    """The MIME type the bytes really are, or None when not an accepted kind."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if head.startswith(OLE_MAGIC):
        return _ole_type(data)
    if _is_text(data):
        # Text and CSV are the same bytes; the name only picks the label, both are served as downloads.
        return "text/csv" if filename.lower().endswith(".csv") else "text/plain"
    return None


# The two members read to tell the kind apart are small in every real file.
MIMETYPE_LIMIT = 256
CONTENT_TYPES_LIMIT = 1024 * 1024


def _zip_type(data: bytes) -> str | None:
    """The Office or OpenDocument type; raises ArchiveTooLarge for a zip bomb (every member inflated, capped)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive_safety.check(archive)
            names = set(archive.namelist())
            if "mimetype" in names:
                kind = archive_safety.read(archive, "mimetype", MIMETYPE_LIMIT).strip()
                return kind.decode("ascii") if kind in _ODF else None
            if "[Content_Types].xml" in names:
                types = archive_safety.read(archive, "[Content_Types].xml", CONTENT_TYPES_LIMIT)
                return next((mime for marker, mime in _OOXML.items() if marker in types), None)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, RuntimeError, NotImplementedError,
            EOFError, ValueError, zlib.error):
        return None
    return None


def _ole_type(data: bytes) -> str | None:
    for name, mime in _OLE_STREAMS:
        if name.encode("utf-16-le") + b"\x00\x00" in data:
            return mime
    return None  # other compound files (installers, e-mails) are refused


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not re.search(r"[\x01-\x08\x0b\x0e-\x1f\x7f]", text)
    return False


def display_name(filename: str | None, content_type: str) -> str:
    """A safe name to show and to offer on download; the extension always matches the detected type."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[\\/]", name)[-1]
    name = re.sub(r'[\x00-\x1f\x7f<>:"|?*]', "", name)
    name = re.sub(r"\s+", " ", name).strip()
    stem, dot, ext = name.rpartition(".")
    stem = stem if dot else ext
    stem = stem.strip(" .")[:180] or "fil"
    return f"{stem}.{EXTENSIONS[content_type]}"


def max_bytes() -> int:
    """The size limit for one file."""
    return int(current_app.config["MAX_ATTACHMENT_BYTES"])


def size_label(size: int) -> str:
    """'20 MB', '500 kB' (whole numbers; the limit is what matters, not decimals)."""
    if size >= 1024 * 1024:
        return f"{size // (1024 * 1024)} MB"
    return f"{max(size // 1024, 1)} kB"


def _read_limited(file: FileStorage, limit: int) -> bytes:
    data = file.stream.read(limit + 1)
    if len(data) > limit:
        raise AttachmentRejected(_l("Filen er for stor. En fil må højst fylde %(size)s.", size=size_label(limit)),
                                 file.filename or "")
    return data


def check(file: FileStorage) -> CheckedFile:
    """Read and check one upload; raises AttachmentRejected with a Danish message."""
    data = _read_limited(file, max_bytes())
    if not data:
        raise AttachmentRejected(_l("Filen er tom. Vælg en anden fil."), file.filename or "")
    try:
        content_type = detect_type(data, file.filename or "")
    except archive_safety.ArchiveTooLarge:
        raise AttachmentRejected(archive_safety.TOO_LARGE, file.filename or "") from None
    if content_type is None:
        raise AttachmentRejected(_l("Filtypen kan ikke bruges. Send %(kinds)s.", kinds=ALLOWED_DESCRIPTION),
                                 file.filename or "")
    data = made_safe(data, content_type, file.filename or "")
    return CheckedFile(data=data, content_type=content_type, filename=display_name(file.filename, content_type))


def made_safe(data: bytes, content_type: str, filename: str = "") -> bytes:
    """Virus scan, PDFs with code or hidden files refused, photos without metadata (what is stored)."""
    problem = antivirus.problem(data, filename)
    if problem is None and content_type == "application/pdf":
        problem = pdf_safety.problem(data)
    if problem is not None:
        raise AttachmentRejected(problem, filename)
    if content_type not in image_metadata.FORMATS:
        return data
    try:
        return image_metadata.strip(data, content_type)
    except image_metadata.ImageUnreadable:
        raise AttachmentRejected(_l("Billedet kan ikke læses. Gem det igen som PNG eller JPG, og send det igen."),
                                 filename) from None


def chosen_files(uploads: list[FileStorage] | None) -> list[FileStorage]:
    """The uploads that actually carry a file (browsers send an empty part when none is chosen)."""
    return [f for f in uploads or [] if f is not None and f.filename]


def add_document(checked: CheckedFile, *, kind: str, uploaded_by: User | None, case_id: int | None = None,
                 association_id: int | None = None, description: str | None = None) -> Document:
    """Store the bytes and add a Document to the current unit of work (the caller commits); no uploader: an integration.

    The bytes are written before the commit; if the commit fails they stay on disk under a random
    key no row points to, which is harmless and can be swept.
    """
    key, sha256 = files.store_bytes(checked.data)
    document = Document(case_id=case_id, association_id=association_id, kind=kind, direction="in",
                        filename=checked.filename, content_type=checked.content_type,
                        size_bytes=len(checked.data), sha256=sha256, storage_key=key,
                        description=description, uploaded_by_id=uploaded_by.id if uploaded_by else None)
    db.session.add(document)
    return document


def store(file: FileStorage, *, kind: str, uploaded_by: User, case_id: int | None = None,
          association_id: int | None = None, description: str | None = None) -> Document:
    """Check one upload and add it as a Document (check + add_document); raises AttachmentRejected."""
    return add_document(check(file), kind=kind, uploaded_by=uploaded_by, case_id=case_id,
                        association_id=association_id, description=description)


# --- who may see a document --------------------------------------------------------------------

def _association_of(document: Document) -> int | None:
    if document.case_id is not None:
        return db.session.scalar(db.select(Case.association_id).where(Case.id == document.case_id))
    return document.association_id


def letter_is_sent(document: Document) -> bool:
    """A letter reaches the applicant once its decision records when it became available."""
    return db.session.scalar(db.select(Decision.id).where(
        Decision.letter_document_id == document.id, Decision.letter_available_at.is_not(None))) is not None


def member_may_see(user: User, document: Document) -> bool:
    """Board members see their association's documents, except internal notes and unsent letters."""
    association_id = _association_of(document)
    if association_id is None or document.direction == "internal":
        return False
    if db.session.scalar(db.select(Membership.id).where(
            Membership.user_id == user.id, Membership.association_id == association_id)) is None:
        return False
    return document.kind != "letter" or letter_is_sent(document)


def staff_may_see(user: User, document: Document) -> bool:
    """Caseworkers and administrators see submitted cases' files; committee members their committees' cases."""
    case = db.session.get(Case, document.case_id) if document.case_id is not None else None
    if case is not None and case.state_has("draft"):
        return False
    if user.role in ("caseworker", "administrator"):
        return True
    if user.role != "committee_member" or case is None:
        return False
    return db.session.scalar(db.select(CommitteeMember.id).join(Pool, Pool.committee_id == CommitteeMember.committee_id)
                             .where(Pool.id == case.pool_id, CommitteeMember.user_id == user.id)) is not None


def may_see(user: User, document: Document) -> bool:
    """True when `user` may download `document`."""
    if not getattr(user, "is_authenticated", False):
        return False
    return member_may_see(user, document) if user.role == "member" else staff_may_see(user, document)


def send_document(document: Document) -> Response:
    """The file as a response: PDFs and images inline, everything else as a download; never sniffed."""
    inline = document.content_type in INLINE_TYPES
    try:  # checked against its SHA-256 first, then streamed in chunks (never read whole into memory)
        stream = files.open_verified(document.storage_key, document.sha256)
    except files.StoredFileCorrupt:
        abort(404)  # logged by the store, with the key and both hashes
    except (FileNotFoundError, ValueError):
        current_app.logger.error("document %s: stored file missing", document.id)
        abort(404)
    response = send_file(stream, mimetype=document.content_type, as_attachment=not inline,
                         download_name=document.filename, etag=document.sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def serve(document_id: int, user: User) -> Response:
    """Stream a document to someone allowed to see it; 404 for everyone else (nothing leaks)."""
    document = db.session.get(Document, document_id)
    if document is None or not may_see(user, document):
        abort(404)
    read_log.read_document(user, document)  # a staff download is logged (members' own are not)
    return send_document(document)

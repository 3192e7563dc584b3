"""File storage outside the static folder, in the store FILE_STORAGE chooses (stores.py).

New files are named by the SHA-256 of their content (64 hex); files stored before that keep their
random 32-hex keys. Every read is checked against the SHA-256 before a byte is handed out: a file
that does not match raises StoredFileCorrupt (logged), never returns wrong bytes.
"""
from __future__ import annotations

import hashlib
import io
import tempfile
from typing import BinaryIO

from flask import current_app

from app.extensions import db
from app.models.document import Document
from app.models.settings import MunicipalitySettings
from app.services.files.stores import CHUNK, LocalStore, S3Store

HEX = frozenset("0123456789abcdef")
# A file read from the object store is checked while it is copied here: in memory up to this size, on disk beyond.
SPOOL_BYTES = 1024 * 1024
STORE_SETTINGS = ("FILE_STORAGE", "UPLOAD_FOLDER", "S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID",
                  "S3_SECRET_ACCESS_KEY", "S3_SERVER_SIDE_ENCRYPTION")


class StoredFileCorrupt(ValueError):
    """The stored bytes do not have the SHA-256 they were stored with."""

    def __init__(self, key: str, expected: str, found: str):
        super().__init__(f"stored file {key}: SHA-256 {found}, expected {expected}")
        self.key, self.expected, self.found = key, expected, found


def build_store(config) -> LocalStore | S3Store:
    """The store a configuration names; a wrong setting is refused with the reason."""
    kind = (config.get("FILE_STORAGE") or "local").lower()
    if kind == "local":
        return LocalStore(config["UPLOAD_FOLDER"])
    if kind != "s3":
        raise RuntimeError(f"FILE_STORAGE={kind!r} is not 'local' or 's3'")
    if not config.get("S3_BUCKET"):
        raise RuntimeError("FILE_STORAGE=s3 needs S3_BUCKET")
    sse = config.get("S3_SERVER_SIDE_ENCRYPTION") or ""
    if sse not in ("", "AES256", "aws:kms"):
        raise RuntimeError(f"S3_SERVER_SIDE_ENCRYPTION={sse!r} is not 'AES256', 'aws:kms' or empty")
    return S3Store(config["S3_BUCKET"], endpoint_url=config.get("S3_ENDPOINT_URL"),
                   region=config.get("S3_REGION") or "eu-north-1", access_key_id=config.get("S3_ACCESS_KEY_ID"),
                   secret_access_key=config.get("S3_SECRET_ACCESS_KEY"), server_side_encryption=sse)


def store() -> LocalStore | S3Store:
    """The configured store, built once per app (and again if its settings change, as tests do)."""
    settings = tuple(current_app.config.get(name) for name in STORE_SETTINGS)
    cached = current_app.extensions.get("file_store")
    if cached is None or cached[0] != settings:
        cached = (settings, build_store(current_app.config))
        current_app.extensions["file_store"] = cached
    return cached[1]


def check_key(storage_key: str) -> str:
    """A key is hex (so no path traversal) of an old (32) or content-addressed (64) length."""
    if not storage_key or len(storage_key) not in (32, 64) or not set(storage_key) <= HEX:
        raise ValueError("bad storage key")
    return storage_key


def store_bytes(data: bytes) -> tuple[str, str]:
    """Save `data`; returns (storage_key, sha256). The key is the content's SHA-256, never a user's file name."""
    sha256 = hashlib.sha256(data).hexdigest()
    store().put(sha256, io.BytesIO(data), sha256)
    return sha256, sha256


def expected_sha256(storage_key: str, sha256: str | None = None) -> str | None:
    """What the bytes must hash to: the key itself when content-addressed, else the row's SHA-256 if known."""
    return storage_key if len(storage_key) == 64 else sha256


def open_verified(storage_key: str, sha256: str | None = None) -> BinaryIO:
    """The stored file, checked, at its start; FileNotFoundError, ValueError (bad key) or StoredFileCorrupt."""
    key = check_key(storage_key)
    expected, source = expected_sha256(key, sha256), store().open(key)
    try:
        checked, found = _hashed_copy(source)
    except BaseException:
        source.close()
        raise
    if expected and found != expected:
        checked.close()
        current_app.logger.error("stored file %s: SHA-256 %s, expected %s; not served", key, found, expected)
        raise StoredFileCorrupt(key, expected, found)
    return checked


def _hashed_copy(source: BinaryIO) -> tuple[BinaryIO, str]:
    """A local file is hashed where it lies and handed out itself; a remote body is spooled while hashed."""
    digest = hashlib.sha256()
    if isinstance(source, io.BufferedReader):
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
        source.seek(0)
        return source, digest.hexdigest()
    spool = tempfile.SpooledTemporaryFile(SPOOL_BYTES)
    with source:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            spool.write(chunk)
    spool.seek(0)
    return spool, digest.hexdigest()


def read_bytes(storage_key: str, sha256: str | None = None) -> bytes:
    """The stored bytes, checked (small files only: letterhead logos; downloads use open_verified)."""
    with open_verified(storage_key, sha256) as source:
        return source.read()


def exists(storage_key: str) -> bool:
    """True when the store has this key."""
    return store().exists(check_key(storage_key))


def referenced_keys(connection=None) -> set[str]:
    """Every key a row points to: documents and the letterhead logo (through `connection` if given)."""
    run = connection if connection is not None else db.session
    keys = set(run.scalars(db.select(Document.storage_key)))
    keys.update(k for k in run.scalars(db.select(MunicipalitySettings.logo_key)) if k)
    return keys


def delete_unreferenced(storage_keys: list[str]) -> list[str]:
    """Delete the files no committed row points to (content-addressed files may be shared); returns those deleted.

    Called after the commit that dropped the rows (a session cannot query then): asks on a connection of its own.
    """
    if not storage_keys:
        return []
    with db.engine.connect() as connection:
        still_used = referenced_keys(connection)
    deleted = []
    for key in dict.fromkeys(storage_keys):
        if key and key not in still_used:
            store().delete(check_key(key))
            deleted.append(key)
    return deleted


def reachable(timeout_seconds: float) -> bool:
    """True when the configured store answers within the limit (the readiness check asks this)."""
    try:
        return store().reachable(timeout_seconds)
    except RuntimeError:  # misconfigured: not ready, and the log says why
        current_app.logger.exception("file store misconfigured")
        return False

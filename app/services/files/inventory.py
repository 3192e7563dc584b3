"""Stored files against the rows that point to them: the file/row check, and copying a whole store, verified.

Both serve operations (`flask files ...`, README "Sikkerhedskopi og gendannelse"): moving the local folder
into the object store, copying a bucket for a backup or a restore, and the check that follows a restore.
"""
from __future__ import annotations

import hashlib
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError
from flask import current_app

from app.extensions import db
from app.models.document import Document
from app.models.settings import MunicipalitySettings
from app.services.files.storage import SPOOL_BYTES, expected_sha256
from app.services.files.stores import CHUNK


@dataclass
class CheckResult:
    """Rows whose file is missing (key -> what points to it) and files no row points to."""

    rows: int = 0
    files: int = 0
    missing: dict[str, list[str]] = field(default_factory=dict)
    orphans: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.orphans


@dataclass
class CopyResult:
    """What a copy did, per file: copied now, already there and sound, or failed (key -> reason)."""

    copied: int = 0
    present: int = 0
    failed: dict[str, str] = field(default_factory=dict)


def _referrers() -> dict[str, list[str]]:
    """Every stored key and what points to it ("dokument 12", "brevpapirets logo")."""
    out: dict[str, list[str]] = defaultdict(list)
    for doc_id, key in db.session.execute(db.select(Document.id, Document.storage_key).order_by(Document.id)):
        out[key].append(f"dokument {doc_id}")
    for key in db.session.scalars(db.select(MunicipalitySettings.logo_key)):
        if key:
            out[key].append("brevpapirets logo")
    return out


def check(store) -> CheckResult:
    """Every row has its file and every file its row."""
    referrers = _referrers()
    stored = set(store.keys())
    return CheckResult(rows=sum(len(v) for v in referrers.values()), files=len(stored),
                       missing={k: v for k, v in sorted(referrers.items()) if k not in stored},
                       orphans=sorted(stored - set(referrers)))


def _row_hashes() -> dict[str, str]:
    return {key: sha for key, sha in db.session.execute(db.select(Document.storage_key, Document.sha256))}


def _hash_of(store, key: str) -> str:
    digest = hashlib.sha256()
    with store.open(key) as source:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def copy_one(source, target, key: str, expected: str | None) -> str:
    """Copy one file and read it back: "copied", "present"; raises ValueError with the reason when it fails."""
    if target.exists(key) and expected and _hash_of(target, key) == expected:
        return "present"  # a copy interrupted earlier resumes here: sound files are not sent again
    digest = hashlib.sha256()
    with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as spool:
        with source.open(key) as reader:
            for chunk in iter(lambda: reader.read(CHUNK), b""):
                digest.update(chunk)
                spool.write(chunk)
        found = digest.hexdigest()
        if expected and found != expected:
            raise ValueError(f"kilden har SHA-256 {found}, forventet {expected}; ikke kopieret")
        spool.seek(0)
        target.put(key, spool, found)
    if _hash_of(target, key) != found:
        raise ValueError("kopien kunne ikke læses tilbage med samme SHA-256")
    return "copied"


def copy_all(source, target) -> CopyResult:
    """Copy every file of `source` into `target`, each verified; safe to run again (idempotent, resumable)."""
    rows, result = _row_hashes(), CopyResult()
    for key in source.keys():
        try:
            outcome = copy_one(source, target, key, expected_sha256(key, rows.get(key)))
        except (OSError, ValueError, BotoCoreError, ClientError) as exc:
            result.failed[key] = str(exc)
            current_app.logger.error("copy of stored file %s failed: %s", key, exc)
            continue
        if outcome == "copied":
            result.copied += 1
        else:
            result.present += 1
    return result

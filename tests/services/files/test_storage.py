"""The file store, local folder and S3 bucket alike: content-addressed keys, checked reads, streaming, reachability."""
from __future__ import annotations

import hashlib
import io
import os
import secrets
import time

import pytest

from app.extensions import db
from app.models import Document
from app.services.files import storage as files
from app.services.files.stores import LocalStore, S3Store


def _put_raw(key: str, data: bytes) -> None:
    """Write bytes under a key as the store holds them, bypassing store_bytes (old keys, tampering)."""
    files.store().put(key, io.BytesIO(data))


def test_bytes_come_back_under_their_sha256(file_store):
    key, sha = files.store_bytes(b"Regnskab 2025")
    assert key == sha == hashlib.sha256(b"Regnskab 2025").hexdigest()
    assert files.read_bytes(key) == b"Regnskab 2025" and files.exists(key)
    assert files.store_bytes(b"Regnskab 2025") == (key, sha)  # the same content: the same file, stored again harmlessly
    assert list(files.store().keys()) == [key]


def test_the_configured_backend_is_the_one_used(file_store):
    assert isinstance(files.store(), {"local": LocalStore, "s3": S3Store}[file_store])


def test_an_old_random_key_still_reads_and_is_checked_against_its_row(file_store):
    old_key = secrets.token_hex(16)
    _put_raw(old_key, b"gammel fil")
    assert files.read_bytes(old_key) == b"gammel fil"  # no row hash given: read as before
    assert files.read_bytes(old_key, hashlib.sha256(b"gammel fil").hexdigest()) == b"gammel fil"
    with pytest.raises(files.StoredFileCorrupt):
        files.read_bytes(old_key, hashlib.sha256(b"noget andet").hexdigest())


def test_altered_bytes_are_refused_and_logged(file_store, caplog):
    key, _ = files.store_bytes(b"original")
    _put_raw(key, b"forfalsket")
    with pytest.raises(files.StoredFileCorrupt) as info:
        files.open_verified(key)
    assert info.value.found == hashlib.sha256(b"forfalsket").hexdigest() and info.value.expected == key
    assert f"stored file {key}: SHA-256" in caplog.text


@pytest.mark.parametrize("bad", ["", "../../etc/passwd", "ABCDEF" * 6, "a" * 31, "g" * 64])
def test_a_key_that_is_not_one_of_ours_is_refused(file_store, bad):
    with pytest.raises(ValueError):
        files.read_bytes(bad)


def test_a_missing_file_is_file_not_found(file_store):
    with pytest.raises(FileNotFoundError):
        files.read_bytes("0" * 64)


def test_a_large_file_is_read_in_chunks(file_store):
    data = os.urandom(3 * 1024 * 1024 + 17)
    key, _ = files.store_bytes(data)
    with files.open_verified(key) as stream:
        chunks = list(iter(lambda: stream.read(256 * 1024), b""))
        if file_store == "s3":  # spooled past its memory limit onto disk, not held in memory
            assert stream._rolled
    assert len(chunks) > 10 and b"".join(chunks) == data


def test_objects_are_encrypted_at_rest(app, s3_standin):
    bucket = s3_standin.new_bucket()
    app.config.update(s3_standin.config(bucket))
    key, _ = files.store_bytes(b"fortroligt")
    head = s3_standin.client().head_object(Bucket=bucket, Key=key)
    assert head["ServerSideEncryption"] == "AES256" and head["Metadata"]["sha256"] == key
    app.config["S3_SERVER_SIDE_ENCRYPTION"] = ""
    key2, _ = files.store_bytes(b"uden kryptering")
    assert "ServerSideEncryption" not in s3_standin.client().head_object(Bucket=bucket, Key=key2)


def test_reachable_within_the_limit_and_not_when_the_store_is_gone(app, file_store, s3_standin):
    assert files.reachable(1.0) is True
    app.config.update(s3_standin.unreachable_config())
    files.store()  # the store is built when the app first uses it, not in the check
    started = time.monotonic()
    assert files.reachable(1.0) is False
    assert time.monotonic() - started < 2.0


def test_a_bucket_that_does_not_exist_is_not_ready(app, s3_standin):
    app.config.update(s3_standin.config("finnes-ikke"))
    assert files.reachable(1.0) is False


def test_a_misconfigured_store_is_refused_with_the_reason(app):
    app.config.update({"FILE_STORAGE": "s3", "S3_BUCKET": None})
    with pytest.raises(RuntimeError, match="S3_BUCKET"):
        files.store()
    assert files.reachable(1.0) is False
    app.config.update({"FILE_STORAGE": "ftp"})
    with pytest.raises(RuntimeError, match="FILE_STORAGE"):
        files.store()


def test_a_shared_file_is_deleted_only_when_no_row_points_to_it(file_store, factory):
    first, second = factory.document(), factory.document()
    db.session.commit()
    assert first.storage_key == second.storage_key
    db.session.delete(first)
    db.session.commit()
    assert files.delete_unreferenced([second.storage_key]) == [] and files.exists(second.storage_key)
    key = second.storage_key
    db.session.delete(second)
    db.session.commit()
    assert files.delete_unreferenced([key]) == [key] and not files.exists(key)
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 0


def test_environment_chooses_the_store():
    from config import settings_from_env
    env = {"FILE_STORAGE": "s3", "S3_BUCKET": "kommune-filer", "S3_SERVER_SIDE_ENCRYPTION": ""}
    out = settings_from_env(env)
    assert (out["FILE_STORAGE"], out["S3_BUCKET"], out["S3_SERVER_SIDE_ENCRYPTION"]) == ("s3", "kommune-filer", "")
    assert "S3_SERVER_SIDE_ENCRYPTION" not in settings_from_env({})

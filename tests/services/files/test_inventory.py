"""`flask files check` and `flask files move-to-object-store`: files against rows, and a verified, resumable move."""
from __future__ import annotations

import hashlib
import io
import secrets

import pytest
from werkzeug.exceptions import NotFound

from app.extensions import db
from app.services.files import attachments, storage as files
from app.services.files.stores import LocalStore


def test_check_passes_when_every_row_has_its_file_and_every_file_its_row(file_store, factory, runner):
    factory.document(data=b"%PDF-1.4\n% a\n"), factory.document(data=b"%PDF-1.4\n% b\n")
    db.session.commit()
    result = runner.invoke(args=["files", "check"])
    assert result.exit_code == 0, result.output
    assert "2 rækker, 2 filer: 0 filer mangler, 0 filer uden række." in result.output


def test_check_names_a_missing_file_and_a_file_without_a_row(file_store, factory, runner):
    kept, lost = factory.document(data=b"%PDF-1.4\n% a\n"), factory.document(data=b"%PDF-1.4\n% b\n")
    db.session.commit()
    files.store().delete(lost.storage_key)
    stray, _ = files.store_bytes(b"ingen peger herhen")
    result = runner.invoke(args=["files", "check"])
    assert result.exit_code == 1
    assert f"MANGLER FIL {lost.storage_key} (dokument {lost.id})" in result.output
    assert f"FIL UDEN RÆKKE {stray}" in result.output and kept.storage_key not in result.output


def _local_files(app, factory) -> tuple[list, str]:
    """Two documents and an old randomly named file in the local folder, as a municipality has them today."""
    docs = [factory.document(data=b"%PDF-1.4\n% a\n"), factory.document(data=b"%PDF-1.4\n% b\n")]
    old_key, old_data, local = secrets.token_hex(16), b"%PDF-1.4\n% gammel\n", LocalStore(app.config["UPLOAD_FOLDER"])
    local.put(old_key, io.BytesIO(old_data))
    docs.append(factory.document(data=old_data, storage_key=old_key, sha256=hashlib.sha256(old_data).hexdigest()))
    db.session.commit()
    local.delete(hashlib.sha256(old_data).hexdigest())  # the factory stores by content too: only the old name stays
    return docs, old_key


def test_move_to_object_store_copies_verifies_and_resumes(app, factory, runner, s3_standin):
    docs, old_key = _local_files(app, factory)
    bucket = s3_standin.new_bucket()
    app.config.update(s3_standin.config(bucket))
    assert runner.invoke(args=["files", "check"]).exit_code == 1  # the bucket is still empty

    first = runner.invoke(args=["files", "move-to-object-store"])
    assert first.exit_code == 0, first.output
    assert "3 kopieret, 0 fandtes allerede, 0 fejlede." in first.output
    assert all(files.read_bytes(d.storage_key, d.sha256) for d in docs)
    assert runner.invoke(args=["files", "check"]).exit_code == 0

    s3_standin.client().delete_object(Bucket=bucket, Key=old_key)  # as if the first run had stopped half way
    again = runner.invoke(args=["files", "move-to-object-store"])
    assert again.exit_code == 0 and "1 kopieret, 2 fandtes allerede, 0 fejlede." in again.output
    assert s3_standin.client().head_object(Bucket=bucket, Key=old_key)["ServerSideEncryption"] == "AES256"


def test_a_damaged_local_file_is_not_copied_and_fails_the_move(app, factory, runner, s3_standin):
    docs, _ = _local_files(app, factory)
    LocalStore(app.config["UPLOAD_FOLDER"]).put(docs[0].storage_key, io.BytesIO(b"beskadiget"))
    app.config.update(s3_standin.config(s3_standin.new_bucket()))
    result = runner.invoke(args=["files", "move-to-object-store"])
    assert result.exit_code == 1
    assert f"FEJL {docs[0].storage_key}: kilden har SHA-256" in result.output
    assert "2 kopieret, 0 fandtes allerede, 1 fejlede." in result.output
    assert not files.exists(docs[0].storage_key)


def test_move_needs_an_object_store(runner):
    result = runner.invoke(args=["files", "move-to-object-store"])
    assert result.exit_code == 1 and "FILE_STORAGE er ikke s3" in result.output


def test_a_download_is_streamed_after_its_check(app, file_store, factory):
    data = b"%PDF-1.4\n" + b"x" * (2 * 1024 * 1024)
    doc = factory.document(data=data)
    db.session.commit()
    with app.test_request_context():
        response = attachments.send_document(doc)
        assert response.direct_passthrough and response.headers["Content-Type"] == "application/pdf"
        assert b"".join(response.response) == data  # handed out piece by piece from the file object
        response.close()


def test_an_altered_file_is_never_downloaded(app, file_store, factory, caplog):
    doc = factory.document(data=b"%PDF-1.4\n% rigtig\n")
    db.session.commit()
    files.store().put(doc.storage_key, io.BytesIO(b"%PDF-1.4\n% falsk\n"))
    with app.test_request_context(), pytest.raises(NotFound):
        attachments.send_document(doc)
    assert f"stored file {doc.storage_key}: SHA-256" in caplog.text

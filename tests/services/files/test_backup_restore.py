"""The backup procedure of docs/backup.md, done for real: pg_dump -Fc, the bucket copied, both restored into an
empty database and an empty bucket, then `flask files check`. PostgreSQL pass only (pg_dump needs PostgreSQL)."""
from __future__ import annotations

import subprocess

import pytest
import sqlalchemy as sa

from app.extensions import db
from config import TestingConfig

pytestmark = pytest.mark.postgres


def _libpq(url: sa.engine.URL) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _fresh_database(url: sa.engine.URL, name: str) -> sa.engine.URL:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name)


def _drop_database(url: sa.engine.URL) -> None:
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    engine.dispose()


def test_backup_restores_into_an_empty_database_and_bucket(app, factory, runner, s3_standin, tmp_path):
    from app import create_app
    live, backup, restored = s3_standin.new_bucket(), s3_standin.new_bucket(), s3_standin.new_bucket()
    app.config.update(s3_standin.config(live))
    docs = [factory.document(data=f"%PDF-1.4\n% bilag {n}\n".encode()) for n in range(3)]
    db.session.commit()
    lost_key, lost_id = docs[1].storage_key, docs[1].id  # read here: inside the restored app the session is another's

    # Backup: the database in PostgreSQL's custom format, then the bucket copied (verified) into the backup bucket.
    source = db.engine.url
    dump = tmp_path / "foreningsstoette.dump"
    subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(dump), _libpq(source)], check=True, timeout=120)
    copied = runner.invoke(args=["files", "copy-to-bucket", backup])
    assert copied.exit_code == 0 and "3 kopieret" in copied.output, copied.output

    # Restore into an empty database and an empty bucket, as on a new machine.
    target = _fresh_database(source, f"{source.database}_gendannet")
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", _libpq(target), str(dump)],
                       check=True, timeout=120)
        restored_app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=target.render_as_string(hide_password=False),
                                  MAIL_LOG_PATH=str(tmp_path / "mail.log"), UPLOAD_FOLDER=str(tmp_path / "tom"),
                                  **s3_standin.config(backup))
        with restored_app.app_context():
            cli = restored_app.test_cli_runner()
            assert cli.invoke(args=["files", "copy-to-bucket", restored]).exit_code == 0
            restored_app.config["S3_BUCKET"] = restored
            check = cli.invoke(args=["files", "check"])
            assert check.exit_code == 0, check.output
            assert "3 rækker, 3 filer: 0 filer mangler, 0 filer uden række." in check.output

            s3_standin.client().delete_object(Bucket=restored, Key=lost_key)
            check = cli.invoke(args=["files", "check"])
            assert check.exit_code == 1
            assert f"MANGLER FIL {lost_key} (dokument {lost_id})" in check.output
            db.session.remove()
            db.engine.dispose()
    finally:
        _drop_database(target)

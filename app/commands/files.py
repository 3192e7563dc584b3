"""`flask files ...`: move the local folder into the object store, copy a bucket (backups), check files against rows.

README "Sikkerhedskopi og gendannelse" (docs/backup.md) shows them in order. Every one exits non-zero when
something is wrong, so a script or a cron job notices.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.services.files import inventory, storage
from app.services.files.stores import LocalStore, S3Store

files_cli = AppGroup("files", help="Filerne: flyt til objektlager, kopiér en bucket, tjek filer mod rækker.")


def _report_copy(result: inventory.CopyResult) -> None:
    for key, reason in sorted(result.failed.items()):
        click.echo(f"FEJL {key}: {reason}")
    click.echo(f"{result.copied} kopieret, {result.present} fandtes allerede, {len(result.failed)} fejlede.")
    if result.failed:
        raise SystemExit(1)


def _object_store() -> S3Store:
    target = storage.store()
    if not isinstance(target, S3Store):
        raise click.ClickException("FILE_STORAGE er ikke s3: sæt FILE_STORAGE=s3 og S3_BUCKET først.")
    return target


@files_cli.command("move-to-object-store")
def move_to_object_store() -> None:
    """Copy every file in UPLOAD_FOLDER into the configured bucket and verify each (the folder is left as it is)."""
    target = _object_store()
    source = LocalStore(current_app.config["UPLOAD_FOLDER"])
    click.echo(f"Kopierer fra {source.describe()} til {target.describe()} ...")
    _report_copy(inventory.copy_all(source, target))


@files_cli.command("copy-to-bucket")
@click.argument("bucket")
def copy_to_bucket(bucket: str) -> None:
    """Copy every object of the configured bucket into BUCKET (same store and credentials), each verified."""
    source = _object_store()
    if bucket == source.bucket:
        raise click.ClickException("Kilde og mål er den samme bucket.")
    target = source.with_bucket(bucket)
    click.echo(f"Kopierer fra {source.describe()} til {target.describe()} ...")
    _report_copy(inventory.copy_all(source, target))


@files_cli.command("check")
def check() -> None:
    """Every document row has its file and every stored file its row; exit code 1 when not."""
    result = inventory.check(storage.store())
    for key, referrers in result.missing.items():
        click.echo(f"MANGLER FIL {key} ({', '.join(referrers)})")
    for key in result.orphans:
        click.echo(f"FIL UDEN RÆKKE {key}")
    click.echo(f"{result.rows} rækker, {result.files} filer: {len(result.missing)} filer mangler, "
               f"{len(result.orphans)} filer uden række.")
    if not result.ok:
        raise SystemExit(1)

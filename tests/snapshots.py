"""A test's database and file folder saved once and put back for later tests that need the same rows.

The access matrix, the hostile-path checks, the form fuzzing and the header checks each visit the pages of one
demo world (tests/security/world.py), and every one of them may change it: each needs a world of its own. Seeding
it through the services takes half of such a test (five seconds of ten), and the every-day checks need one per
role on each of eight days. So the first test of a process to need a world on a day builds it and saves it here;
the others get a copy, exactly as it was when built: the SQLite file itself, or on PostgreSQL every row of every
table put back in one transaction with triggers and foreign keys off (the rows are a consistent whole already),
with the sequences set past them; and the files the rows point at, in the test's own folder.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.extensions import db


@dataclass
class Snapshot:
    files: dict[str, bytes]
    sqlite_file: bytes | None = None
    rows: list[tuple[sa.Table, list[dict]]] = field(default_factory=list)


def _folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def _sqlite_path() -> Path | None:
    url = db.engine.url
    return Path(url.database) if url.get_backend_name() == "sqlite" else None


def take() -> Snapshot:
    """What the database and the file folder hold now (everything committed)."""
    folder = _folder()
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()} \
        if folder.exists() else {}
    db.session.remove()
    path = _sqlite_path()
    if path is not None:
        db.engine.dispose()  # every connection closed: the file is whole
        return Snapshot(files=files, sqlite_file=path.read_bytes())
    with db.engine.connect() as conn:
        rows = [(table, [dict(row._mapping) for row in conn.execute(sa.select(table))])
                for table in db.metadata.sorted_tables]
    return Snapshot(files=files, rows=[(table, found) for table, found in rows if found])


def restore(snapshot: Snapshot) -> None:
    """Put `snapshot` into this test's empty database and file folder."""
    folder = _folder()
    for name, data in snapshot.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    db.session.remove()
    path = _sqlite_path()
    if path is not None:
        db.engine.dispose()
        path.write_bytes(snapshot.sqlite_file)
        return
    with db.engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for table, rows in snapshot.rows:
            conn.execute(table.insert(), rows)
        for table, _rows in snapshot.rows:
            if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), max(id)) "
                                     f"FROM {table.name} WHERE pg_get_serial_sequence('{table.name}', 'id') "
                                     "IS NOT NULL HAVING max(id) IS NOT NULL"))

"""ZIP containers (Word, Excel, PowerPoint, OpenDocument) are unpacked only under hard limits.

A 400 KB upload can declare nothing and still inflate to 400 MB (a zip bomb). Before the type is read,
every member is inflated as a stream, counted and thrown away: the archive is refused when it holds too
many members, when one member or all of them together inflate beyond a limit, or when a member inflates
far more than files of its kind do. The sizes in the archive's headers are checked too, but never
trusted: the counting is what holds. Reading one member (`read`) is capped the same way.
"""
from __future__ import annotations

import zipfile

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

MAX_MEMBERS = 5_000
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 128 * 1024 * 1024
# Office XML compresses 5-30 times; a spreadsheet of empty rows perhaps 150. A bomb: 1000 and more.
MAX_RATIO = 200
RATIO_FREE_BYTES = 1024 * 1024  # small members may compress as well as they like
CHUNK = 64 * 1024

TOO_LARGE = _l("Filen fylder alt for meget, når den pakkes ud, så vi tager ikke imod den. Gem dokumentet igen "
               "(fx som PDF), eller del det op i flere filer, og send det igen.")


class ArchiveTooLarge(Exception):
    """The archive breaks one of the limits; the argument says which (for the log, not for the user)."""


def limits() -> tuple[int, int, int, int]:
    """(members, bytes per member, bytes in all, ratio), from configuration where set."""
    config = current_app.config if has_app_context() else {}
    return (int(config.get("ARCHIVE_MAX_MEMBERS", MAX_MEMBERS)),
            int(config.get("ARCHIVE_MAX_MEMBER_BYTES", MAX_MEMBER_BYTES)),
            int(config.get("ARCHIVE_MAX_TOTAL_BYTES", MAX_TOTAL_BYTES)),
            int(config.get("ARCHIVE_MAX_RATIO", MAX_RATIO)))


def _within_ratio(inflated: int, compressed: int, ratio: int) -> bool:
    return inflated <= RATIO_FREE_BYTES or inflated <= ratio * max(compressed, 1)


def check_headers(archive: zipfile.ZipFile) -> None:
    """What the archive says about itself; raises ArchiveTooLarge."""
    members, per_member, total, ratio = limits()
    infos = archive.infolist()
    if len(infos) > members:
        raise ArchiveTooLarge(f"{len(infos)} members")
    if sum(i.file_size for i in infos) > total:
        raise ArchiveTooLarge("declared total")
    for info in infos:
        if info.file_size > per_member or not _within_ratio(info.file_size, info.compress_size, ratio):
            raise ArchiveTooLarge(f"declared size of {info.filename!r}")


def inflate_all(archive: zipfile.ZipFile) -> None:
    """Inflate every member as a stream, counting what really comes out; raises ArchiveTooLarge."""
    _members, per_member, total, ratio = limits()
    budget = total
    for info in archive.infolist():
        if info.is_dir():
            continue
        budget -= _read(archive, info, min(per_member, budget), ratio)[0]


def read(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """One member, at most `limit` bytes inflated (raises ArchiveTooLarge beyond)."""
    return _read(archive, archive.getinfo(name), limit, limits()[3], keep=True)[1]


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, ratio: int,
          keep: bool = False) -> tuple[int, bytes]:
    """(bytes inflated, the bytes themselves when `keep`), stopping at the first chunk beyond a limit."""
    kept, count = bytearray(), 0
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            count += len(chunk)
            if count > limit or not _within_ratio(count, info.compress_size, ratio):
                raise ArchiveTooLarge(f"{info.filename!r} inflates beyond the limit")
            if keep:
                kept += chunk
    return count, bytes(kept)


def check(archive: zipfile.ZipFile) -> None:
    """Headers, then the real inflated sizes; raises ArchiveTooLarge."""
    check_headers(archive)
    inflate_all(archive)

"""PDFs that run code or carry other files are refused: JavaScript, launch actions, embedded files.

Two independent looks, because a crafted file can fool one parser: a scan of the raw bytes (with
compressed object streams inflated), and pypdf's reading of every object in the cross-reference table.
A name written with #-escapes (/J#61vaScript) counts as the name it spells.
"""
from __future__ import annotations

import io
import re
import zlib

from flask_babel import LazyString, lazy_gettext as _l

JAVASCRIPT = frozenset({"JS", "JavaScript"})
LAUNCH = frozenset({"Launch"})
# GoToE jumps into an embedded file; FileAttachment is the paper-clip annotation that holds one.
EMBEDDED = frozenset({"EmbeddedFile", "EmbeddedFiles", "FileAttachment", "GoToE"})
DANGEROUS = JAVASCRIPT | LAUNCH | EMBEDDED
MAX_INFLATED = 64 * 1024 * 1024  # an object stream bigger than this is a decompression bomb
MAX_INFLATED_TOTAL = 96 * 1024 * 1024  # all object streams of one file together
MAX_OBJECTS = 200_000  # pypdf reads every object: a file of millions of tiny ones would hold a worker
MAX_PAGES = 5_000
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]*)")
_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"(?<!end)stream\r?\n")


class _Unreadable(Exception):
    """The file cannot be inspected."""


class _TooLarge(Exception):
    """Inflating the file's object streams, or reading its objects, goes beyond a limit (a PDF bomb)."""


def _decode_name(raw: bytes) -> str:
    return _HEX.sub(lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


def _names(chunk: bytes) -> set[str]:
    return {_decode_name(m.group(1)) for m in _NAME.finditer(chunk)}


def _inflate(body: bytes, limit: int = MAX_INFLATED) -> bytes:
    """The inflated stream, never more than `limit` bytes of it (raises _TooLarge beyond)."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(body, min(limit, MAX_INFLATED) + 1)
    if len(out) > min(limit, MAX_INFLATED) or inflater.unconsumed_tail:
        raise _TooLarge()
    return out


def raw_names(data: bytes) -> tuple[set[str], bool]:
    """(names outside streams and inside object streams, True when an object stream could not be read).

    Stream bodies are skipped (image bytes would match by chance); object streams are inflated, since
    that is where a PDF 1.5+ file keeps its dictionaries.
    """
    names: set[str] = set()
    unreadable, pos, budget = False, 0, MAX_INFLATED_TOTAL
    for match in _STREAM.finditer(data):
        if match.start() < pos:
            continue  # inside a stream body already skipped
        names |= _names(data[pos:match.start()])
        end = data.find(b"endstream", match.end())
        end = len(data) if end < 0 else end
        header = _names(data[data.rfind(b"obj", 0, match.start()) + 3:match.start()])
        if "ObjStm" in header:
            try:
                if header & {"ASCIIHexDecode", "ASCII85Decode", "LZWDecode", "RunLengthDecode", "Crypt"} \
                        or "FlateDecode" not in header:
                    raise _Unreadable()
                inflated = _inflate(data[match.end():end], budget)
                budget -= len(inflated)
                names |= _names(inflated)
            except (zlib.error, _Unreadable):
                unreadable = True
        pos = end + len(b"endstream")
    names |= _names(data[pos:])
    return names, unreadable


def _walk(value: object, names: set[str], depth: int = 0) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject
    if depth > 50 or isinstance(value, IndirectObject):
        return  # every indirect object is visited on its own
    if isinstance(value, NameObject):
        names.add(str(value)[1:])
    elif isinstance(value, DictionaryObject):
        for key, item in value.items():
            names.add(str(key)[1:])
            _walk(item, names, depth + 1)
    elif isinstance(value, ArrayObject):
        for item in value:
            _walk(item, names, depth + 1)


def parsed_names(data: bytes) -> set[str]:
    """Every name in every object pypdf finds (object streams included); raises _Unreadable."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _Unreadable("encrypted")
        names: set[str] = set()
        _walk(reader.trailer, names)
        ids = {(num, gen) for gen, table in reader.xref.items() for num in table}
        ids |= {(num, 0) for num in reader.xref_objStm}
        if len(ids) > MAX_OBJECTS or len(reader.pages) > MAX_PAGES:
            raise _TooLarge()
        for num, gen in sorted(ids):
            _walk(reader.get_object(IndirectObject(num, gen, reader)), names)
        return names
    except (_Unreadable, _TooLarge):
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on a damaged file
        raise _Unreadable() from exc


TOO_LARGE = _l("PDF-filen fylder alt for meget, når den pakkes ud, så vi tager ikke imod den. Gem den som PDF igen "
               "(fx med »Udskriv til PDF«), eller del den op i flere filer, og send den igen.")


def _message(found: set[str]) -> LazyString:
    if found & JAVASCRIPT:
        return _l("PDF-filen indeholder JavaScript (programkode). Af sikkerhedshensyn tager vi ikke imod den. "
                  "Gem eller udskriv den som en almindelig PDF, og send den igen.")
    if found & LAUNCH:
        return _l("PDF-filen forsøger at starte et program, når den åbnes. Af sikkerhedshensyn tager vi ikke imod den. "
                  "Gem eller udskriv den som en almindelig PDF, og send den igen.")
    return _l("PDF-filen har andre filer gemt inden i sig. Send filerne hver for sig, "
              "og gem PDF-filen uden vedhæftede filer.")


def problem(data: bytes) -> LazyString | None:
    """The Danish reason a PDF is refused, or None when it is harmless."""
    try:
        found, raw_unreadable = raw_names(data)
        if found & DANGEROUS:
            return _message(found & DANGEROUS)
        found = parsed_names(data)
    except _TooLarge:
        return TOO_LARGE
    except _Unreadable as exc:
        if exc.args == ("encrypted",):
            return _l("PDF-filen er beskyttet med en adgangskode, så vi kan ikke åbne den. "
                      "Fjern adgangskoden, og send den igen.")
        if raw_unreadable:  # neither look could see inside: nothing proves the file harmless
            return _l("Vi kan ikke læse PDF-filen. Gem den som PDF igen (fx med »Udskriv til PDF«), og send den igen.")
        return None
    if found & DANGEROUS:
        return _message(found & DANGEROUS)
    return None

"""Real PDFs built for the upload tests: plain ones, and ones carrying JavaScript, launch actions or files."""
from __future__ import annotations

import io
import struct
import zlib

from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def plain() -> bytes:
    """A one-page PDF with nothing active in it."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    return _written(writer)


def with_open_action_javascript() -> bytes:
    """Opening the file runs JavaScript (the catalog's /OpenAction)."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('hej')")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _written(writer)


def with_embedded_file() -> bytes:
    """A file hidden inside (the /EmbeddedFiles name tree)."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_attachment("faktura.exe", b"MZ not really a program")
    return _written(writer)


def object_stream_pdf(action: bytes | None, padding: int = 0) -> bytes:
    """A PDF 1.5 whose every dictionary sits in a Flate-compressed object stream, found by an xref stream.

    With `action` (a dictionary's source), the catalog's /OpenAction points at it; nothing of it is
    visible in the raw bytes. With `padding`, the object stream inflates to that many more bytes of
    spaces (harmless to a reader, a decompression bomb for one that inflates it all).
    """
    open_action = b" /OpenAction 4 0 R" if action else b""
    inner = [b"<< /Type /Catalog /Pages 2 0 R" + open_action + b" >>",
             b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
             b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
             action or b"<< /Producer (test) >>"]
    header, body, offset = b"", b"", 0
    for number, obj in enumerate(inner, start=1):
        header += b"%d %d " % (number, offset)
        body += obj + b"\n"
        offset += len(obj) + 1
    packer = zlib.compressobj(9)
    packed = packer.compress(header + body)
    for _ in range(padding // (1 << 20)):
        packed += packer.compress(b" " * (1 << 20))
    packed += packer.flush()
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    objstm_at = len(out)
    out += (b"5 0 obj\n<< /Type /ObjStm /N 4 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (len(header), len(packed))) + packed + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 2, 5, index) for index in range(4)]
    rows += [struct.pack(">BIH", 1, objstm_at, 0), struct.pack(">BIH", 1, xref_at, 0)]
    table = b"".join(rows)
    out += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)) \
        + table + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


JS_ACTION = b"<< /S /JavaScript /JS (app.alert\\('hej'\\)) >>"
LAUNCH_ACTION = b"<< /S /Launch /F (cmd.exe) >>"

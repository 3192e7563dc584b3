"""Upload hardening with real files: PDFs with code or hidden files, photo metadata, names, the virus scanner."""
from __future__ import annotations

import hashlib
import io
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import Document
from app.services.files import antivirus, attachments, storage as files, pdf_safety
from tests.portal.conftest import asking_case, world  # noqa: F401  (fixtures)
from tests.security import pdfs

# The EICAR test signature, put together here so that no scanner on this machine quarantines this file.
EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode()


class EicarScanner:
    """Stands in for a real scanner (an external system): finds the EICAR test signature."""

    def scan(self, data: bytes, filename: str) -> str | None:
        return "Eicar-Test-Signature" if EICAR in data else None


class BrokenScanner:
    """A scanner whose daemon is down."""

    def scan(self, data: bytes, filename: str) -> str | None:
        raise antivirus.ScannerUnavailable("clamd not answering")


def _upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def _documents() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Document))


@pytest.mark.parametrize("build, message", [
    (pdfs.with_open_action_javascript, "indeholder JavaScript"),
    (pdfs.with_embedded_file, "har andre filer gemt inden i sig"),
    (lambda: pdfs.object_stream_pdf(pdfs.JS_ACTION), "indeholder JavaScript"),
    (lambda: pdfs.object_stream_pdf(pdfs.LAUNCH_ACTION), "forsøger at starte et program"),
    (lambda: pdfs.object_stream_pdf(b"<< /Type /Annot /Subtype /FileAttachment /FS 3 0 R >>"),
     "har andre filer gemt inden i sig"),
])
def test_dangerous_pdfs_are_refused_and_nothing_is_stored(app, world, build, message):
    with pytest.raises(attachments.AttachmentRejected) as info:
        attachments.store(_upload(build(), "regnskab.pdf"), kind="attachment", uploaded_by=world["chair"],
                          association_id=world["a"].id)
    assert message in str(info.value.message)
    assert _documents() == 0


@pytest.mark.parametrize("build", [pdfs.plain, lambda: pdfs.object_stream_pdf(None)])
def test_plain_pdfs_are_accepted_unchanged(app, world, build):
    data = build()
    doc = attachments.store(_upload(data, "regnskab.pdf"), kind="attachment", uploaded_by=world["chair"],
                            association_id=world["a"].id)
    db.session.commit()
    assert files.read_bytes(doc.storage_key) == data


def test_javascript_in_a_compressed_object_stream_is_invisible_in_the_raw_bytes():
    data = pdfs.object_stream_pdf(pdfs.JS_ACTION)
    assert b"JavaScript" not in data and b"/JS" not in data  # so a plain byte search would miss it
    # Each of the two looks finds it on its own.
    assert {"JS", "JavaScript"} <= pdf_safety.raw_names(data)[0]
    assert {"JS", "JavaScript"} <= pdf_safety.parsed_names(data)


def test_hex_escaped_names_count_as_what_they_spell():
    data = pdfs.plain().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (x) >>")
    assert pdf_safety.raw_names(data)[0] >= {"JavaScript", "JS"}


def test_object_stream_that_only_pypdf_can_read_is_still_inspected():
    """An object stream under a filter chain the raw scan does not inflate: pypdf's look decides."""
    data = pdfs.object_stream_pdf(pdfs.JS_ACTION)
    start = data.index(b"stream\n") + len(b"stream\n")
    end = data.index(b"\nendstream")
    packed = data[start:end]
    hexed = packed.hex().encode() + b">"
    data = (data[:start] + hexed + data[end:]).replace(
        b"/Filter /FlateDecode /Length %d" % len(packed), b"/Filter [/ASCIIHexDecode /FlateDecode] /Length %d" % len(hexed))
    data = _fix_xref_offset(data)
    names, unreadable = pdf_safety.raw_names(data)
    assert unreadable and "JS" not in names
    assert "indeholder JavaScript" in str(pdf_safety.problem(data))


def _fix_xref_offset(data: bytes) -> bytes:
    """The xref stream's own offset moved when the object stream grew; point startxref and its row at it."""
    import struct
    xref_at = data.index(b"6 0 obj")
    head, _, _ = data.rpartition(b"startxref\n")
    table_start = data.index(b"stream\n", xref_at) + len(b"stream\n")
    row = table_start + 6 * 7
    data = data[:row] + struct.pack(">BIH", 1, xref_at, 0) + data[row + 7:]
    head, _, _ = data.rpartition(b"startxref\n")
    return head + b"startxref\n%d\n%%%%EOF\n" % xref_at


def test_unreadable_object_stream_in_an_unreadable_pdf_is_refused():
    data = pdfs.object_stream_pdf(pdfs.JS_ACTION)
    start = data.index(b"stream\n") + len(b"stream\n")
    broken = data[:start] + b"\x00garbage" + data[start + 8:]
    broken = broken.replace(b"startxref", b"startxrex")
    assert pdf_safety.problem(broken) is not None


def _jpeg_with_gps(orientation: int = 6) -> bytes:
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    image.paste((0, 0, 255), (0, 0, 10, 20))  # a blue left edge, to see the turn
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Telefonfabrikken"
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (55.0, 40.0, 30.0),
                                  ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (12.0, 34.0, 56.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"Hjemme hos Karen",
               xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>Karens have</x:xmpmeta>")
    return out.getvalue()


def test_jpeg_loses_gps_exif_comment_and_xmp_but_keeps_orientation(app, world):
    data = _jpeg_with_gps()
    original = Image.open(io.BytesIO(data))
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test file really has a position
    doc = attachments.store(_upload(data, "foto.jpg"), kind="attachment", uploaded_by=world["chair"],
                            association_id=world["a"].id)
    db.session.commit()
    stored = files.read_bytes(db.session.get(Document, doc.id).storage_key)
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and doc.content_type == "image/jpeg"
    assert len(image.getexif()) == 0 and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert "comment" not in image.info and "xmp" not in image.info
    for marker in (b"Exif\x00\x00", b"Karen", b"Telefonfabrikken", b"xmpmeta"):
        assert marker not in stored
    assert image.size == (20, 40)  # orientation 6: turned upright, as a viewer showed it
    assert image.getpixel((10, 3))[2] > 200  # the blue edge is now at the top
    assert doc.size_bytes == len(stored)


def test_png_and_gif_lose_their_text_chunks_and_comments(app, world):
    from PIL import PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Karen Holm")
    png = io.BytesIO()
    Image.new("RGBA", (5, 5), (1, 2, 3, 100)).save(png, "PNG", pnginfo=info)
    frames = [Image.new("RGB", (4, 4), c) for c in ((255, 0, 0), (0, 255, 0))]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], comment=b"Karen Holm", duration=[100, 200])
    for data, name in ((png.getvalue(), "a.png"), (gif.getvalue(), "b.gif")):
        assert b"Karen" in data
        checked = attachments.check(_upload(data, name))
        assert b"Karen" not in checked.data
    assert Image.open(io.BytesIO(attachments.check(_upload(gif.getvalue(), "b.gif")).data)).n_frames == 2


def test_a_small_gif_of_many_large_frames_is_refused_before_it_is_redrawn(app):
    frames = [Image.new("P", (2000, 2000), i) for i in range(14)]  # 56 megapixels in all, a few KB on disk
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:])
    assert len(gif.getvalue()) < 200_000
    with pytest.raises(attachments.AttachmentRejected) as info:
        attachments.check(_upload(gif.getvalue(), "bombe.gif"))
    assert "Billedet kan ikke læses" in str(info.value.message)


def test_a_damaged_image_is_refused_with_a_danish_message(app):
    with pytest.raises(attachments.AttachmentRejected) as info:
        attachments.check(_upload(b"\xff\xd8\xff\xe0" + b"\x00" * 100, "foto.jpg"))
    assert "Billedet kan ikke læses" in str(info.value.message)


@pytest.mark.parametrize("name, shown", [
    ("../../etc/passwd", "passwd.txt"),
    ("..\\..\\windows\\win.ini", "win.txt"),
    ("regnskab\x00.exe", "regnskab.txt"),
    ("/tmp/../../.bashrc", "fil.txt"),  # nothing left of the name: a neutral one
])
def test_file_names_are_never_paths(app, world, name, shown, tmp_path):
    doc = attachments.store(_upload("Beløb 1200 kr.".encode(), name), kind="attachment", uploaded_by=world["chair"],
                            association_id=world["a"].id)
    db.session.commit()
    doc = db.session.get(Document, doc.id)
    assert doc.filename == shown
    assert doc.storage_key == doc.sha256 == hashlib.sha256("Beløb 1200 kr.".encode()).hexdigest()
    root = Path(app.config["UPLOAD_FOLDER"])
    assert [p.name for p in root.rglob("*") if p.is_file()] == [doc.storage_key]  # stored under the key only


def test_virus_found_by_the_configured_scanner_is_refused(app, world, client, auth, asking_case):
    app.config["ANTIVIRUS_SCANNER"] = "tests.security.test_uploads:EicarScanner"
    with pytest.raises(attachments.AttachmentRejected) as info:
        attachments.check(_upload(EICAR, "eicar.txt"))
    assert "Virusscanneren fandt skadelig kode i filen (Eicar-Test-Signature)" in str(info.value.message)
    auth.login("karen@example.dk")
    resp = client.post(f"/forening/sager/{asking_case.id}/svar", content_type="multipart/form-data", data={
        "text": "Her er filen.", "version": str(asking_case.version), "files": [(io.BytesIO(EICAR), "budget.txt")]})
    assert resp.status_code == 200 and "Virusscanneren fandt skadelig kode" in resp.get_data(as_text=True)
    assert _documents() == 0


def test_scanner_down_means_refused_not_let_through(app):
    app.config["ANTIVIRUS_SCANNER"] = "tests.security.test_uploads:BrokenScanner"
    with pytest.raises(attachments.AttachmentRejected) as info:
        attachments.check(_upload(b"helt almindelig tekst", "a.txt"))
    assert "kan ikke tjekke filen for virus" in str(info.value.message)


def test_default_scanner_is_noop_and_a_wrong_setting_is_a_clear_error(app):
    assert isinstance(antivirus.configured_scanner(), antivirus.NoopScanner)
    assert antivirus.problem(EICAR, "x.txt") is None
    with pytest.raises(RuntimeError, match="ANTIVIRUS_SCANNER"):
        antivirus.load("app.services.files.antivirus:FindesIkke")


def test_dangerous_pdf_through_the_reply_form_shows_the_message(app, client, auth, world, asking_case):
    auth.login("karen@example.dk")
    resp = client.post(f"/forening/sager/{asking_case.id}/svar", content_type="multipart/form-data", data={
        "text": "Budget vedhæftet.", "version": str(asking_case.version),
        "files": [(io.BytesIO(pdfs.object_stream_pdf(pdfs.JS_ACTION)), "budget.pdf")]})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "PDF-filen indeholder JavaScript" in body and "Budget vedhæftet." in body
    assert _documents() == 0


def test_inflating_is_capped():
    bomb = zlib.compress(b"\x00" * (pdf_safety.MAX_INFLATED + 10))
    with pytest.raises(pdf_safety._TooLarge):
        pdf_safety._inflate(bomb)


# --- decompression bombs: every inflation has a hard limit --------------------------------------------

DOCX_TYPES = (b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="application/'
              b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')


def _zip(members: dict[str, bytes | int]) -> bytes:
    """A ZIP written as a stream; an int member is that many zero bytes (never held in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in members.items():
            with archive.open(name, "w", force_zip64=True) as member:
                if isinstance(content, bytes):
                    member.write(content)
                    continue
                block = b"\x00" * (1 << 20)
                for _ in range(content // len(block)):
                    member.write(block)
    return out.getvalue()


@pytest.fixture(scope="module")
def docx_bomb() -> bytes:
    """The finding: a 400 KB upload whose [Content_Types].xml inflates to 400 MB."""
    return _zip({"[Content_Types].xml": 400 * (1 << 20), "word/document.xml": b"<w/>"})


def test_a_zip_bomb_is_refused_without_inflating_it(app, docx_bomb):
    assert len(docx_bomb) < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(attachments.AttachmentRejected) as info:
            attachments.check(_upload(docx_bomb, "ansøgning.docx"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "fylder alt for meget, når den pakkes ud" in str(info.value.message)
    assert peak < 16 * 1024 * 1024  # it was 800 MB


@pytest.mark.parametrize("members", [
    {"[Content_Types].xml": DOCX_TYPES, "word/media/big.bin": 70 * (1 << 20)},  # a member beyond the limit
    {"[Content_Types].xml": DOCX_TYPES, **{f"word/part{i}.xml": 20 * (1 << 20) for i in range(7)}},  # in all
    {"[Content_Types].xml": DOCX_TYPES, **{f"word/{i}.xml": b"<w/>" for i in range(5_001)}},  # members
], ids=["member", "total", "count"])
def test_every_zip_limit_holds(app, members):
    with pytest.raises(attachments.AttachmentRejected) as info:
        attachments.check(_upload(_zip(members), "ansøgning.docx"))
    assert "fylder alt for meget" in str(info.value.message)


def test_a_real_office_file_passes_the_limits(app):
    checked = attachments.check(_upload(_zip({"[Content_Types].xml": DOCX_TYPES,
                                              "word/document.xml": b"<w:p>tekst</w:p>" * 5000}), "a.docx"))
    assert checked.content_type.endswith("wordprocessingml.document") and checked.filename == "a.docx"


def test_a_zip_bomb_through_the_reply_form_shows_the_message(app, client, auth, world, asking_case, docx_bomb):
    auth.login("karen@example.dk")
    resp = client.post(f"/forening/sager/{asking_case.id}/svar", content_type="multipart/form-data", data={
        "text": "Budget vedhæftet.", "version": str(asking_case.version),
        "files": [(io.BytesIO(docx_bomb), "budget.docx")]})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "fylder alt for meget, når den pakkes ud" in body and "Budget vedhæftet." in body
    assert _documents() == 0


def test_a_pdf_bomb_is_refused(app):
    bomb = pdfs.object_stream_pdf(None, padding=pdf_safety.MAX_INFLATED + (1 << 20))
    assert len(bomb) < 1_000_000
    with pytest.raises(attachments.AttachmentRejected) as info:
        attachments.check(_upload(bomb, "regnskab.pdf"))
    assert "PDF-filen fylder alt for meget" in str(info.value.message)


def test_pdf_object_streams_share_one_inflation_budget():
    stream = zlib.compress(b" " * (40 * (1 << 20)))
    one = b"1 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\n" + stream + b"\nendstream\nendobj\n"
    pdf_safety.raw_names(b"%PDF-1.5\n" + one)  # 40 MB: within the limit
    with pytest.raises(pdf_safety._TooLarge):
        pdf_safety.raw_names(b"%PDF-1.5\n" + one * 3)  # 120 MB in all


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))


def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded(app):
    with pytest.raises(attachments.AttachmentRejected) as info:
        attachments.check(_upload(_png_header_only(30_000, 30_000), "kort.png"))  # 900 megapixels, 100 bytes
    assert "Billedet kan ikke læses" in str(info.value.message)

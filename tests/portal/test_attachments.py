"""Attachments: the type comes from the bytes, the size is limited, and only the right people get the file."""
import io
import zipfile

import pytest
from werkzeug.datastructures import FileStorage

from app import clock
from app.extensions import db
from app.models import Decision, Document
from app.services.files import attachments, storage as files
from app.services.cases import core as case_service
from app.services.cases import transitions
from tests.portal.conftest import EXE, PDF, PNG, ooxml


def _upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def _odf(mimetype: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def _ole(stream_name: str) -> bytes:
    return attachments.OLE_MAGIC + b"\x00" * 500 + stream_name.encode("utf-16-le") + b"\x00\x00" + b"\x00" * 100


@pytest.mark.parametrize("data, name, expected", [
    (PDF, "x.pdf", "application/pdf"),
    (PNG, "x.png", "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "x.jpg", "image/jpeg"),
    (b"GIF89a\x01\x00", "x.gif", "image/gif"),
    (ooxml("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"), "x.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (ooxml("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"), "x.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (ooxml("application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"), "x.pptx",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    (_odf(b"application/vnd.oasis.opendocument.text"), "x.odt", "application/vnd.oasis.opendocument.text"),
    (_ole("WordDocument"), "x.doc", "application/msword"),
    (_ole("Workbook"), "x.xls", "application/vnd.ms-excel"),
    ("Beløb;Formål\n1200;Bolde\n".encode("utf-8"), "budget.csv", "text/csv"),
    ("Kære kommune, æøå".encode("cp1252"), "svar.txt", "text/plain"),
])
def test_type_detected_from_content(data, name, expected):
    assert attachments.detect_type(data, name) == expected


@pytest.mark.parametrize("data", [
    EXE,
    ooxml("application/vnd.ms-word.document.macroEnabled.main+xml"),  # macro documents are refused
    _odf(b"application/x-unknown"),
    b"PK\x03\x04 not really a zip",
    _ole("SummaryInformation"),  # a compound file that is not Word, Excel or PowerPoint (e.g. an installer)
    b"\x00\x01\x02binary",
])
def test_unknown_or_dangerous_content_is_refused(data):
    assert attachments.detect_type(data, "dokument.pdf") is None


def test_name_does_not_decide_the_type(app, world):
    doc = attachments.store(_upload(PNG, "regnskab.pdf"), kind="attachment", uploaded_by=world["chair"],
                            association_id=world["a"].id)
    db.session.commit()
    doc = db.session.get(Document, doc.id)
    assert doc.content_type == "image/png" and doc.filename == "regnskab.png"
    assert doc.size_bytes == len(PNG) and doc.sha256 == __import__("hashlib").sha256(PNG).hexdigest()
    assert files.read_bytes(doc.storage_key) == PNG


def test_exe_renamed_pdf_is_refused_and_nothing_stored(app, world):
    with pytest.raises(attachments.AttachmentRejected) as info:
        attachments.store(_upload(EXE, "regnskab.pdf"), kind="attachment", uploaded_by=world["chair"])
    assert "Filtypen kan ikke bruges" in str(info.value.message) and info.value.filename == "regnskab.pdf"
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 0


def test_size_limit_from_config(app, world):
    app.config["MAX_ATTACHMENT_BYTES"] = 100
    with pytest.raises(attachments.AttachmentRejected) as info:
        attachments.check(_upload(PDF + b"x" * 100, "stor.pdf"))
    assert "for stor" in str(info.value.message)
    assert attachments.check(_upload(PDF[:100], "lille.pdf")).content_type == "application/pdf"


def test_empty_file_refused(app):
    with pytest.raises(attachments.AttachmentRejected, match="tom"):
        attachments.check(_upload(b"", "tom.pdf"))


def test_default_limits_in_config(app):
    assert app.config["MAX_ATTACHMENT_BYTES"] == 20 * 1024 * 1024
    assert app.config["MAX_CONTENT_LENGTH"] > 5 * app.config["MAX_ATTACHMENT_BYTES"]


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\karen\\Årsregnskab 2025.pdf", "Årsregnskab 2025.pdf"),
    ('<b>"x"|y?.pdf', "bxy.pdf"),
    ("<script>alert(1)</script>.pdf", "script.pdf"),
    ("   .pdf", "fil.pdf"),
    ("noext", "noext.pdf"),
    ("a" * 300 + ".pdf", "a" * 180 + ".pdf"),
])
def test_display_name_is_sanitised(name, expected):
    assert attachments.display_name(name, "application/pdf") == expected


# --- serving -----------------------------------------------------------------------------------

@pytest.fixture
def docs(world, factory):
    case = case_service.create_draft(world["pool"], world["a"], world["chair"], "Sommerlejr", 5_000)
    transitions.perform(case.id, "submit", world["chair"])
    pdf = factory.document(case=case, association=world["a"], data=PDF)
    png = factory.document(association=world["a"], data=PNG, content_type="image/png", filename="logo.png")
    csv = factory.document(case=case, data=b"a;b\n", content_type="text/csv", filename="budget.csv")
    internal = factory.document(case=case, direction="internal", kind="note", filename="notat.pdf")
    letter = factory.document(case=case, direction="out", kind="letter", filename="afgoerelse.pdf")
    draft = case_service.create_draft(world["pool"], world["a"], world["chair"], "Kladde", 1_000)
    draft_doc = factory.document(case=draft, filename="kladde.pdf")
    db.session.commit()
    return {"case": case, "pdf": pdf, "png": png, "csv": csv, "internal": internal, "letter": letter,
            "draft": draft_doc}


def test_member_downloads_own_documents_with_safe_headers(client, auth, docs):
    auth.login("karen@example.dk")
    resp = client.get(f"/forening/dokumenter/{docs['pdf'].id}")
    assert resp.status_code == 200 and resp.data == PDF
    assert resp.headers["Content-Type"] == "application/pdf"
    assert resp.headers["Content-Disposition"].startswith("inline")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in resp.headers["Cache-Control"]
    assert client.get(f"/forening/dokumenter/{docs['png'].id}").headers["Content-Disposition"].startswith("inline")
    resp = client.get(f"/forening/dokumenter/{docs['csv'].id}")
    assert resp.headers["Content-Disposition"].startswith("attachment") and "budget.csv" in resp.headers["Content-Disposition"]


def test_member_never_sees_internal_notes_or_unsent_letters(client, auth, docs):
    auth.login("karen@example.dk")
    assert client.get(f"/forening/dokumenter/{docs['internal'].id}").status_code == 404
    assert client.get(f"/forening/dokumenter/{docs['letter'].id}").status_code == 404
    db.session.add(Decision(case_id=docs["case"].id, outcome="granted", amount=5_000, appeal_text="Klage ...",
                            letter_document_id=docs["letter"].id, letter_available_at=clock.now()))
    db.session.commit()
    assert client.get(f"/forening/dokumenter/{docs['letter'].id}").status_code == 200


def test_other_association_gets_404_for_files(client, auth, docs):
    auth.login("ole@example.dk")
    for key in ("pdf", "png", "csv"):
        assert client.get(f"/forening/dokumenter/{docs[key].id}").status_code == 404
    assert client.get("/forening/dokumenter/999999").status_code == 404


def test_staff_access_rules(app, world, docs):
    see = attachments.may_see
    caseworker, chair, outsider = world["caseworker"], world["committee_chair"], world["outsider"]
    assert see(caseworker, docs["pdf"]) and see(caseworker, docs["internal"]) and see(caseworker, docs["png"])
    assert not see(caseworker, docs["draft"])  # a draft is not the municipality's yet
    assert see(chair, docs["pdf"]) and not see(chair, docs["png"])  # committee: its pools' cases only
    assert not see(outsider, docs["pdf"])


def test_staff_serve_function(app, world, docs):
    with app.test_request_context():
        resp = attachments.serve(docs["pdf"].id, world["caseworker"])
        resp.direct_passthrough = False
        assert resp.status_code == 200 and resp.get_data() == PDF
        from werkzeug.exceptions import NotFound
        with pytest.raises(NotFound):
            attachments.serve(docs["pdf"].id, world["outsider"])


def test_member_route_refuses_staff(client, auth, docs):
    auth.login("mette@kommune.dk")
    assert client.get(f"/forening/dokumenter/{docs['pdf'].id}").status_code == 403

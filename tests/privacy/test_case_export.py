"""Partsaktindsigt: the whole case as a ZIP for the party and for the caseworker, and who may have it."""
from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.extensions import db
from app.models import CaseEvent, Decision, Document, ReadEvent
from app.services.cases import export as case_export
from app.services.files import storage as files
from tests.privacy.conftest import ATTACHMENT, INTERNAL, NOTE, TITLE


def open_zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.data))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def letter(case) -> Document:
    return db.session.scalar(sa.select(Document).join(Decision, Decision.letter_document_id == Document.id)
                             .where(Decision.case_id == case.id))


def member_zip(world, client, auth) -> zipfile.ZipFile:
    auth.login("karen@example.dk")
    return open_zip(client.post(f"/forening/sager/{world.case.id}/aktindsigt"))


def test_the_party_gets_journal_documents_letters_and_an_index(world, client, auth):
    archive = member_zip(world, client, auth)
    names = archive.namelist()
    assert {"01-journal.pdf", "00-indholdsfortegnelse.txt"} <= set(names)
    attachment = next(n for n in names if n.startswith("dokumenter/") and n.endswith("Budget 2026.pdf"))
    assert archive.read(attachment) == ATTACHMENT
    sent = letter(world.case)
    letter_name = next(n for n in names if n.startswith("breve/") and n.endswith(".pdf"))
    assert archive.read(letter_name) == files.read_bytes(sent.storage_key)
    index = archive.read("00-indholdsfortegnelse.txt").decode("utf-8")
    assert attachment in index and letter_name in index and "01-journal.pdf" in index
    assert world.attachment.sha256 in index


def test_the_journal_pdf_lists_the_journal_entries(world, client, auth):
    text = pdf_text(member_zip(world, client, auth).read("01-journal.pdf"))
    public = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == world.case.id,
                                                           CaseEvent.visibility == "public")).all()
    assert len(public) >= 4
    assert world.case.number in text and "Boldklubben Nordstjernen" in text
    assert "Mette Sørensen" in text  # who did it
    assert "Budget 2026.pdf" in text  # documents are journal entries too


def test_the_partys_zip_has_no_internal_notes_or_documents(world, client, auth):
    archive = member_zip(world, client, auth)
    assert not any(n.startswith("interne/") for n in archive.namelist())
    assert all(archive.read(n) != INTERNAL for n in archive.namelist())
    text = pdf_text(archive.read("01-journal.pdf"))
    assert "Ringede til formanden" not in text and "intern vurdering" not in text
    assert "intern vurdering" not in archive.read("00-indholdsfortegnelse.txt").decode()


def test_the_caseworker_gets_the_partys_package_or_by_choice_the_internal_notes(world, client, auth):
    auth.login("mette@kommune.dk")
    plain = open_zip(client.post(f"/sagsbehandling/sager/{world.case.id}/aktindsigt"))
    assert not any(n.startswith("interne/") for n in plain.namelist())
    full = open_zip(client.post(f"/sagsbehandling/sager/{world.case.id}/aktindsigt", data={"interne": "1"}))
    internal = next(n for n in full.namelist() if n.startswith("interne/"))
    assert full.read(internal) == INTERNAL
    text = " ".join(pdf_text(full.read("01-journal.pdf")).split())
    assert "Ringede til formanden" in text and "[Intern]" in text


def test_html_in_the_case_title_is_printed_as_text(world, client, auth):
    text = pdf_text(member_zip(world, client, auth).read("01-journal.pdf"))
    assert "<script>alert('x')</script>" in text and "<b>fed</b>" in text
    assert TITLE.split(" Sommerlejr")[0] in text


def test_the_export_is_journalised_and_read_logged(world, client, auth):
    member_zip(world, client, auth)
    db.session.expire_all()
    event = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == world.case.id,
                                                         CaseEvent.kind == "export"))
    assert (event.actor_id, event.visibility, event.action) == (world.member.id, "public", "case_export")
    read = db.session.scalar(sa.select(ReadEvent).where(ReadEvent.object_type == "case_export"))
    assert (read.reader_id, read.reader_role, read.case_id, read.association_id) == \
        (world.member.id, "member", world.case.id, world.association.id)
    timeline = client.get(f"/forening/sager/{world.case.id}").get_data(as_text=True)
    assert "Hele sagen blev hentet (aktindsigt)" in timeline
    assert f"/forening/sager/{world.case.id}/aktindsigt" in timeline  # the button is on the portal case page


@pytest.mark.parametrize("email, path, status", [
    ("ole@example.dk", "/forening/sager/{id}/aktindsigt", 404),          # another association's member
    ("mette@kommune.dk", "/forening/sager/{id}/aktindsigt", 403),        # staff use their own route
    ("karen@example.dk", "/sagsbehandling/sager/{id}/aktindsigt", 403),  # members use theirs
    ("lise@kommune.dk", "/sagsbehandling/sager/{id}/aktindsigt", 403),   # committee members: no export
    ("admin@kommune.dk", "/sagsbehandling/sager/{id}/aktindsigt", 200),
    (None, "/forening/sager/{id}/aktindsigt", 302),
])
def test_who_may_export(world, client, auth, email, path, status):
    if email:
        auth.login(email)
    response = client.post(path.format(id=world.case.id))
    assert response.status_code == status
    exported = db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(CaseEvent.kind == "export"))
    assert exported == (1 if status == 200 else 0)


def test_export_is_a_post(world, client, auth):
    auth.login("karen@example.dk")
    assert client.get(f"/forening/sager/{world.case.id}/aktindsigt").status_code == 405


def test_file_names_in_the_zip_are_generated_safely(world, factory, client, auth):
    for name in ("../../etc/passwd.pdf", "..\\..\\win.ini.pdf", "Budget 2026.pdf", "/abs/olut.pdf",
                 "\x01\x1fctl\x7f.pdf", "...", "a" * 250 + ".pdf"):
        factory.document(case=world.case, filename=name, uploaded_by=world.member)
    db.session.commit()
    names = member_zip(world, client, auth).namelist()
    assert len(names) == len(set(n.lower() for n in names))
    for n in names:
        parts = n.split("/")
        assert not n.startswith("/") and "\\" not in n and ".." not in parts and len(parts) <= 2
        assert all(ord(c) >= 32 for c in n) and len(n) < 140
    assert sum(n.endswith("Budget 2026.pdf") for n in names) == 2


def test_safe_name_keeps_the_extension_of_the_real_type():
    assert case_export.safe_name("evil.exe", "application/pdf", 3) == "003-evil.pdf"
    assert case_export.safe_name("../x/../y", "image/png", 12) == "012-y.png"
    assert case_export.safe_name(None, "application/x-unknown", 1) == "001-fil.bin"


def test_a_missing_stored_file_is_listed_not_fatal(world, client, auth, app):
    files.store().delete(world.attachment.storage_key)
    archive = member_zip(world, client, auth)
    assert not any(n.endswith("Budget 2026.pdf") for n in archive.namelist())
    assert "filen mangler" in archive.read("00-indholdsfortegnelse.txt").decode()


def test_the_zip_is_built_on_disk_and_streamed(world, app):
    export = case_export.build(world.case, with_internal=False)
    try:
        assert hasattr(export.file, "fileno") and not isinstance(export.file, io.BytesIO)
        assert zipfile.is_zipfile(export.file)
    finally:
        export.file.close()



def test_a_long_comment_runs_over_pages_in_the_journal_pdf(app):
    from datetime import datetime, timezone
    from app.pdf.case_journal import CaseJournal, JournalLine, render_case_journal
    from app.services.delivery.letterhead import sender
    long = "\n\n".join(f"Afsnit {i}: " + "begrundelse " * 80 for i in range(40))
    data = CaseJournal(sender=sender(), case_number="2026-000009", title="Lang sag", association="Forening",
                       pool="Pulje", state="Modtaget", printed_at="01.12.2026 10:00", scope="Udskrift til parten",
                       lines=(JournalLine(at="01.12.2026 09:00", what="Afslag", who="Mette", comment=long),))
    pdf = render_case_journal(data, datetime(2026, 12, 1, 9, tzinfo=timezone.utc))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 2 and "Afsnit 39" in pdf_text(pdf)

"""The read log: one row per staff read, none for members' own reads, and who may see which log."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Decision, ReadEvent
from app.services.files import attachments
from app.services.journals import read_log


def rows() -> list[ReadEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(ReadEvent).order_by(ReadEvent.id)))


def letter_of(case) -> int:
    return db.session.scalar(sa.select(Decision.letter_document_id).where(Decision.case_id == case.id))


@pytest.mark.parametrize("path", ["/sagsbehandling/sager/{id}", "/udvalg/sager/{id}/afgoerelser",
                                  "/afrapporteringer/sager/{id}"])
def test_a_staff_case_page_records_who_read_what_and_whose(world, client, auth, path):
    auth.login("mette@kommune.dk")
    assert client.get(path.format(id=world.case.id)).status_code == 200
    (row,) = rows()
    assert (row.reader_id, row.reader_role, row.object_type, row.object_id) == \
        (world.caseworker.id, "caseworker", "case", world.case.id)
    assert (row.case_id, row.association_id, row.subject_user_id) == \
        (world.case.id, world.association.id, world.member.id)
    assert row.created_at is not None


@pytest.mark.parametrize("which", ["attachment", "internal", "letter"])
def test_a_staff_download_of_a_document_or_letter_records_a_read(world, client, auth, which):
    document_id = letter_of(world.case) if which == "letter" else getattr(world, which).id
    auth.login("mette@kommune.dk")
    assert client.get(f"/sagsbehandling/dokumenter/{document_id}").status_code == 200
    (row,) = rows()
    assert (row.object_type, row.object_id, row.case_id, row.association_id) == \
        ("document", document_id, world.case.id, world.association.id)


def test_a_committee_member_on_the_committee_is_logged_with_their_role(world, client, auth):
    auth.login("lise@kommune.dk")
    assert client.get(f"/sagsbehandling/sager/{world.case.id}").status_code == 200
    assert [(r.reader_id, r.reader_role) for r in rows()] == [(world.seated.id, "committee_member")]


def test_a_refused_read_is_not_logged(world, client, auth):
    auth.login("per@kommune.dk")  # not on the pool's committee
    assert client.get(f"/sagsbehandling/sager/{world.case.id}").status_code == 404
    assert rows() == []


def test_serving_a_document_to_staff_through_the_service_is_logged(world, app):
    with app.test_request_context():
        response = attachments.serve(world.attachment.id, world.admin)
        response.close()
    assert [(r.reader_id, r.object_id) for r in rows()] == [(world.admin.id, world.attachment.id)]


def test_members_reading_their_own_association_are_not_logged(world, client, auth):
    auth.login("karen@example.dk")
    assert client.get(f"/forening/sager/{world.case.id}").status_code == 200
    assert client.get(f"/forening/dokumenter/{world.attachment.id}").status_code == 200
    assert rows() == []


def test_the_association_sees_who_read_its_data_and_another_association_cannot(world, client, auth):
    auth.login("mette@kommune.dk")
    client.get(f"/sagsbehandling/sager/{world.case.id}")
    client.get(f"/sagsbehandling/dokumenter/{world.attachment.id}")
    auth.logout()
    auth.login("karen@example.dk")
    page = client.get(f"/forening/foreninger/{world.association.id}/laesninger")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Mette Sørensen" in html and "Sagsbehandler" in html and "Budget 2026.pdf" in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html  # the case title, escaped
    auth.logout()
    auth.login("ole@example.dk")
    assert client.get(f"/forening/foreninger/{world.association.id}/laesninger").status_code == 404
    other = client.get(f"/forening/foreninger/{world.other.id}/laesninger").get_data(as_text=True)
    assert "Mette Sørensen" not in other and "Ingen har set" in other


@pytest.mark.parametrize("email, status", [("mette@kommune.dk", 403), ("admin@kommune.dk", 403), (None, 302)])
def test_the_association_log_is_for_board_members_only(world, client, auth, email, status):
    if email:
        auth.login(email)
    assert client.get(f"/forening/foreninger/{world.association.id}/laesninger").status_code == status


def test_the_association_log_pages_by_keyset_without_gaps_or_repeats(world, client, auth):
    for _ in range(read_log.PAGE_SIZE + 7):
        read_log.add_read(world.caseworker, "association", world.association.id, association_id=world.association.id)
    db.session.commit()
    first = read_log.reads_of_association(world.association.id)
    second = read_log.reads_of_association(world.association.id, first.next_cursor)
    assert len(first.rows) == read_log.PAGE_SIZE and len(second.rows) == 7 and second.next_cursor is None
    ids = [r.id for r in first.rows + second.rows]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == read_log.PAGE_SIZE + 7
    auth.login("karen@example.dk")
    html = client.get(f"/forening/foreninger/{world.association.id}/laesninger").get_data(as_text=True)
    assert "efter=" in html  # the link to the older reads
    assert client.get(f"/forening/foreninger/{world.association.id}/laesninger?efter=%25%25").status_code == 200


def test_a_person_sees_reads_of_their_own_data_only(world, client, auth):
    auth.login("admin@kommune.dk")
    client.get(f"/sagsbehandling/sager/{world.case.id}")
    auth.logout()
    auth.login("karen@example.dk")  # the applicant
    assert "Anne Admin" in client.get("/konto/mine-laesninger").get_data(as_text=True)
    auth.logout()
    auth.login("ole@example.dk")
    assert "Anne Admin" not in client.get("/konto/mine-laesninger").get_data(as_text=True)
    auth.logout()
    assert client.get("/konto/mine-laesninger").status_code == 302


@pytest.mark.parametrize("email, status", [("mette@kommune.dk", 200), ("admin@kommune.dk", 200),
                                           ("lise@kommune.dk", 403), ("karen@example.dk", 403)])
def test_the_case_read_log_is_for_caseworkers_and_administrators(world, client, auth, email, status):
    read_log.add_read(world.admin, "case", world.case.id, case_id=world.case.id, association_id=world.association.id)
    db.session.commit()
    auth.login(email)
    page = client.get(f"/sagsbehandling/sager/{world.case.id}/laesninger")
    assert page.status_code == status
    if status == 200:
        assert "Anne Admin" in page.get_data(as_text=True)


def test_the_staff_case_page_links_to_its_read_log_and_the_export(world, client, auth):
    auth.login("mette@kommune.dk")
    html = client.get(f"/sagsbehandling/sager/{world.case.id}").get_data(as_text=True)
    assert f"/sagsbehandling/sager/{world.case.id}/laesninger" in html
    assert f"/sagsbehandling/sager/{world.case.id}/aktindsigt" in html


def test_the_database_refuses_to_change_or_delete_a_read(world):
    read_log.add_read(world.caseworker, "case", world.case.id, case_id=world.case.id)
    db.session.commit()
    for statement in ("UPDATE read_events SET reader_id = reader_id", "DELETE FROM read_events"):
        with pytest.raises(sa.exc.DBAPIError):
            db.session.execute(sa.text(statement))
        db.session.rollback()
    assert len(rows()) == 1


def test_a_read_that_cannot_be_logged_is_not_shown(world, client, auth):
    """Fail closed: when the log row cannot be written the reader gets a 503 page, not the data."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("CREATE FUNCTION refuse_reads() RETURNS trigger AS $$ BEGIN "
                                   "RAISE EXCEPTION 'log is down'; END; $$ LANGUAGE plpgsql"))
        db.session.execute(sa.text("CREATE TRIGGER refuse_reads BEFORE INSERT ON read_events "
                                   "FOR EACH ROW EXECUTE FUNCTION refuse_reads()"))
    else:
        db.session.execute(sa.text("CREATE TRIGGER refuse_reads BEFORE INSERT ON read_events "
                                   "BEGIN SELECT RAISE(ABORT, 'log is down'); END"))
    db.session.commit()
    try:
        auth.login("mette@kommune.dk")
        page = client.get(f"/sagsbehandling/sager/{world.case.id}")
        download = client.get(f"/sagsbehandling/dokumenter/{world.attachment.id}")
        assert page.status_code == 503 and download.status_code == 503
        assert "Sommerlejr" not in page.get_data(as_text=True)
        assert "kunne ikke registrere" in page.get_data(as_text=True)
        assert b"budget for sommerlejren" not in download.data
    finally:
        db.session.rollback()
        db.session.execute(sa.text("DROP TRIGGER refuse_reads" +
                                   (" ON read_events" if db.engine.dialect.name == "postgresql" else "")))
        db.session.commit()


def test_the_party_sees_no_names_of_internal_documents_or_unsent_letters(world, client, auth, factory):
    draft = factory.document(case=world.case, kind="letter", direction="out", filename="Udkast afslag Karen.pdf")
    db.session.commit()
    for document_id in (world.attachment.id, world.internal.id, draft.id):
        read_log.add_read(world.caseworker, "document", document_id, **read_log.document_subjects(world.internal))
    db.session.commit()
    auth.login("karen@example.dk")
    for path in (f"/forening/foreninger/{world.association.id}/laesninger", "/konto/mine-laesninger"):
        html = client.get(path).get_data(as_text=True)
        assert "Budget 2026.pdf" in html and html.count("Internt dokument") == 2
        assert "intern vurdering.pdf" not in html and "Udkast afslag" not in html
    auth.logout()
    auth.login("mette@kommune.dk")
    html = client.get(f"/sagsbehandling/sager/{world.case.id}/laesninger").get_data(as_text=True)
    assert "intern vurdering.pdf" in html and "Udkast afslag Karen.pdf" in html

"""'Vores sager', the case page, and the information reply with files."""
import io

import pytest

from app import clock
from app.extensions import db
from app.models import Case, CaseEvent, Decision, Document, OutboxMessage
from app.services.cases import core as case_service
from app.services.files import storage as files
from tests.portal.conftest import EXE, PDF, PNG


def _reply(client, case, text="Budgettet er vedhæftet.", uploads=(), version=None):
    data = {"text": text, "version": str(case.version if version is None else version)}
    data["files"] = [(io.BytesIO(content), name) for content, name in uploads]
    return client.post(f"/forening/sager/{case.id}/svar", data=data, content_type="multipart/form-data")


def test_home_lists_cases_with_public_state_caseworker_and_deadline(client, auth, world, asking_case):
    auth.login("karen@example.dk")
    body = client.get("/forening/").get_data(as_text=True)
    assert "Sommerlejr" in body and "Vi mangler oplysninger fra jer" in body
    assert "Mette Sørensen" in body and "mailto:mette@kommune.dk" in body
    assert "Svarfrist" in body and asking_case.number in body


def test_case_page_shows_the_request_at_the_top_with_a_reply_form(client, auth, world, asking_case):
    auth.login("karen@example.dk")
    body = client.get(f"/forening/sager/{asking_case.id}").get_data(as_text=True)
    assert "Kommunen mangler oplysninger fra jer" in body
    assert body.index("Send venligst budgettet for lejren.") < body.index("Sagsnummer")
    assert "Svar senest" in body and 'enctype="multipart/form-data"' in body
    assert 'value="answer_information"' not in body  # the reply form replaces the bare button


def test_reply_with_files_round_trip(client, auth, world, asking_case):
    auth.login("karen@example.dk")
    resp = _reply(client, asking_case, uploads=[(PDF, "budget.pdf"), (PNG, "kvittering.pdf")])
    assert resp.status_code == 302, resp.get_data(as_text=True)
    case = db.session.get(Case, asking_case.id)
    assert case.state == "screening" and case.reply_deadline is None
    docs = db.session.scalars(db.select(Document).order_by(Document.id)).all()
    assert [(d.kind, d.filename, d.content_type, d.case_id, d.association_id) for d in docs] == [
        ("reply", "budget.pdf", "application/pdf", case.id, world["a"].id),
        ("reply", "kvittering.png", "image/png", case.id, world["a"].id)]
    assert files.read_bytes(docs[1].storage_key) == PNG and docs[0].uploaded_by_id == world["chair"].id
    events = db.session.scalars(db.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all()
    assert [(e.action, e.comment) for e in events[-3:]] == [
        ("document_received", "budget.pdf"), ("document_received", "kvittering.png"),
        ("answer_information", "Budgettet er vedhæftet.")]
    staff_notices = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.template == "case_update_staff", OutboxMessage.recipient == "mette@kommune.dk")).all()
    assert staff_notices and staff_notices[-1].payload["state_staff"] == "Visitation"
    page = client.get(resp.location).get_data(as_text=True)
    assert "Tak! Jeres svar er sendt" in page and "budget.pdf" in page and "kvittering.png" in page
    assert "Kommunen mangler oplysninger" not in page
    assert client.get(f"/forening/dokumenter/{docs[0].id}").data == PDF


def test_reply_without_files(client, auth, world, asking_case):
    auth.login("karen@example.dk")
    assert _reply(client, asking_case, text="Vi ringer i morgen.").status_code == 302
    assert db.session.get(Case, asking_case.id).state == "screening"
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 0


def test_bad_file_keeps_text_and_changes_nothing(client, auth, world, asking_case):
    auth.login("karen@example.dk")
    resp = _reply(client, asking_case, text="Her er regnskabet.", uploads=[(PDF, "ok.pdf"), (EXE, "regnskab.pdf")])
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Filtypen kan ikke bruges" in body and "regnskab.pdf" in body and 'id="error-summary"' in body
    assert "Her er regnskabet." in body
    assert db.session.get(Case, asking_case.id).state == "needs_information"
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 0


def test_missing_text_is_a_field_error(client, auth, world, asking_case):
    auth.login("karen@example.dk")
    body = _reply(client, asking_case, text="  ").get_data(as_text=True)
    assert "Skriv jeres svar til kommunen" in body and 'id="error-summary"' in body
    assert db.session.get(Case, asking_case.id).state == "needs_information"


def test_oversized_file_and_too_many_files(app, client, auth, world, asking_case):
    auth.login("karen@example.dk")
    app.config["MAX_ATTACHMENT_BYTES"] = 1024
    body = _reply(client, asking_case, uploads=[(PDF + b"0" * 2000, "stor.pdf")]).get_data(as_text=True)
    assert "Filen er for stor" in body and "1 kB" in body
    app.config["MAX_ATTACHMENT_BYTES"] = 20 * 1024 * 1024
    body = _reply(client, asking_case, uploads=[(PDF, f"f{i}.pdf") for i in range(6)]).get_data(as_text=True)
    assert "højst 5 filer" in body and "Budgettet er vedhæftet." in body
    assert db.session.get(Case, asking_case.id).state == "needs_information"


def test_too_large_request_gets_danish_page_not_bare_413(app, client, auth, world, asking_case):
    auth.login("karen@example.dk")
    app.config["MAX_CONTENT_LENGTH"] = 2048
    resp = _reply(client, asking_case, uploads=[(PDF + b"0" * 5000, "stor.pdf")])
    body = resp.get_data(as_text=True)
    assert resp.status_code == 413 and "fylder for meget" in body and "20 MB" in body and "Gå tilbage" in body


def test_stale_reply_keeps_text(client, auth, world, asking_case):
    auth.login("karen@example.dk")
    body = _reply(client, asking_case, text="Mit svar", version=asking_case.version - 1).get_data(as_text=True)
    assert "ændret, mens I skrev" in body and "Mit svar" in body
    assert db.session.get(Case, asking_case.id).state == "needs_information"


def test_reply_when_no_longer_asked_keeps_text_visible(client, auth, world, asking_case):
    from app.services.cases import transitions
    transitions.perform(asking_case.id, "resume_processing", world["caseworker"])
    auth.login("karen@example.dk")
    case = db.session.get(Case, asking_case.id)
    body = _reply(client, case, text="Sent svar").get_data(as_text=True)
    assert "venter ikke længere" in body and "Sent svar" in body


def test_other_association_gets_404_for_case_and_reply(client, auth, world, asking_case):
    auth.login("ole@example.dk")
    assert client.get(f"/forening/sager/{asking_case.id}").status_code == 404
    assert _reply(client, asking_case).status_code == 404
    assert client.post(f"/forening/sager/{asking_case.id}/handling", data={"action": "withdraw"}).status_code == 404
    assert "Sommerlejr" not in client.get("/forening/").get_data(as_text=True)


def test_sent_letters_are_listed(client, auth, world, factory):
    case = case_service.create_draft(world["pool"], world["a"], world["chair"], "Sommerlejr", 5_000)
    letter = factory.document(case=case, direction="out", kind="letter", filename="afgoerelse.pdf")
    factory.document(case=case, direction="out", kind="letter", filename="udkast.pdf")
    db.session.add(Decision(case_id=case.id, outcome="granted", amount=5_000, appeal_text="Klage ...",
                            letter_document_id=letter.id, letter_available_at=clock.now()))
    db.session.commit()
    auth.login("karen@example.dk")
    body = client.get(f"/forening/sager/{case.id}").get_data(as_text=True)
    assert "Breve fra kommunen" in body and "udkast.pdf" not in body
    assert f'<a href="/forening/dokumenter/{letter.id}">Afgørelsesbrev (PDF)</a>' in body  # named, not a file name


def test_withdraw_button_comes_from_the_engine(client, auth, world):
    from app.services.cases import transitions
    case = case_service.create_draft(world["pool"], world["a"], world["chair"], "Sommerlejr", 5_000)
    transitions.perform(case.id, "submit", world["chair"])
    auth.login("karen@example.dk")
    body = client.get(f"/forening/sager/{case.id}").get_data(as_text=True)
    assert 'value="withdraw"' in body and "I sendte ansøgningen" in body


@pytest.mark.parametrize("path", ["/forening/", "/forening/ny"])
def test_pages_fit_a_phone(client, auth, world, path):
    auth.login("karen@example.dk")
    body = client.get(path).get_data(as_text=True)
    assert 'name="viewport" content="width=device-width' in body and "<table" not in body

"""The form step by step: saving, resuming, two board members, stale forms, bad input and files."""
import re
from datetime import timedelta

import pytest
from markupsafe import escape

from app import clock
from app.extensions import db
from app.models import Document
from app.services.files import storage as files
from tests.applying.conftest import EXE, PDF, budget, fresh, post_step, start, step1, upload, version_of


@pytest.fixture
def draft(client, auth, world):
    """Karen's draft for Nordstjernen; Karen is logged in."""
    auth.login("karen@example.dk")
    return start(client, "frivillighedspuljen")


def _url(case_id, number):
    return f"/forening/ansoegninger/{case_id}/trin/{number}"


def _answers(case_id):
    return fresh(case_id).data["answers"]


def test_step_page_has_indicator_and_buttons(client, draft):
    page = client.get(_url(draft, 1)).get_data(as_text=True)
    assert 'class="step-indicator"' in page and 'aria-current="step"' in page and "Se og indsend" in page
    assert "Gem og fortsæt" in page and ">Tilbage<" not in page  # no way back from the first step
    assert ">Tilbage<" in client.get(_url(draft, 2)).get_data(as_text=True)


def test_each_step_saves_title_amount_and_where_to_resume(client, draft):
    resp = post_step(client, draft, 1, step1())
    assert resp.status_code == 302 and resp.location.endswith(_url(draft, 2))
    case = fresh(draft)
    assert case.title == "Sommerlejr for børn" and case.data["step"] == 1
    assert _answers(draft)["start"] == (clock.today() + timedelta(days=60)).isoformat()
    assert _answers(draft)["samarbejde"] is True
    post_step(client, draft, 2, budget())
    case = fresh(draft)
    assert case.amount_applied == 15_000 and case.data["step"] == 2
    assert _answers(draft)["budget"]["total_expenses"] == 18_000
    assert client.get(f"/forening/ansoegninger/{draft}").location.endswith(_url(draft, 3))


def test_back_saves_and_goes_back(client, draft):
    post_step(client, draft, 1, step1())
    resp = post_step(client, draft, 2, budget(nav="back"))
    assert resp.location.endswith(_url(draft, 1)) and fresh(draft).amount_applied == 15_000


def test_another_board_member_continues_and_sees_the_answers(client, auth, draft):
    post_step(client, draft, 1, step1())
    auth.logout()
    auth.login("bo@example.dk")
    assert client.get(f"/forening/ansoegninger/{draft}").location.endswith(_url(draft, 2))
    assert 'value="Sommerlejr for børn"' in client.get(_url(draft, 1)).get_data(as_text=True)
    assert post_step(client, draft, 2, budget()).status_code == 302
    assert fresh(draft).amount_applied == 15_000


def test_stale_form_keeps_the_typed_input_and_saves_on_the_second_press(client, auth, draft):
    old_version = version_of(client, _url(draft, 1))
    auth.logout()
    auth.login("bo@example.dk")
    post_step(client, draft, 1, step1(titel="Bos titel"))
    auth.logout()
    auth.login("karen@example.dk")
    resp = post_step(client, draft, 1, step1(titel="Karens titel"), version=old_version)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Et andet bestyrelsesmedlem har gemt ændringer" in body
    assert 'value="Karens titel"' in body and fresh(draft).title == "Bos titel"
    new_version = int(re.search(r'name="case_version" value="(\d+)"', body).group(1))
    assert new_version == fresh(draft).version
    assert post_step(client, draft, 1, step1(titel="Karens titel"), version=new_version).status_code == 302
    assert fresh(draft).title == "Karens titel"


def test_the_same_step_sent_twice_is_not_stale(client, draft):
    version = version_of(client, _url(draft, 1))
    assert post_step(client, draft, 1, step1(), version=version).status_code == 302
    assert post_step(client, draft, 1, step1(), version=version).status_code == 302


@pytest.mark.parametrize("step, data, message", [
    (1, step1(titel=""), "Udfyld feltet."),
    (1, step1(start="31.02.2027"), "Datoen findes ikke"),
    (1, step1(start="1. marts"), "Skriv en dato som dd.mm.åååå"),
    (1, step1(start=(clock.today() - timedelta(days=1)).strftime("%d.%m.%Y")), "Datoen er passeret"),
    (1, step1(samarbejde="måske"), "Vælg et svar."),
    (1, step1(partnere=""), "Udfyld feltet."),
    (1, step1(titel="x" * 400), "højst have 300 tegn"),
    (2, budget(expenses=(("Telte", "-500"),)), "skriv beløbet i hele kroner"),
    (2, budget(expenses=(("Telte", "12,5"),)), "skriv beløbet i hele kroner"),
    (2, budget(expenses=(("Telte", ""),)), "skriv både en tekst og et beløb"),
    (2, budget(expenses=(("Telte", "2000"),), income=(("Tilskud", "5000"),)), "Indtægterne er større end udgifterne"),
    (2, budget(expenses=(("Telte", "2000"),), income=(("Tilskud", "2000"),)), "intet beløb at søge om"),
    (2, budget(expenses=(), income=()), "Skriv mindst én udgift"),
    (3, {"nav": "next"}, "Vedhæft en fil."),
])
def test_bad_input_gets_a_danish_message_next_to_the_field_and_nothing_is_lost(client, draft, step, data, message):
    before = fresh(draft).version
    resp = post_step(client, draft, step, data)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'id="error-summary"' in body and "form-error-message" in body
    assert message in body
    for key, value in data.items():
        if key not in ("nav", "samarbejde") and value and len(value) < 100:
            assert str(escape(value)) in body, key
    assert fresh(draft).version == before  # nothing saved


def test_hidden_question_is_not_required(client, draft):
    data = step1(samarbejde="no", partnere="")
    assert post_step(client, draft, 1, data).status_code == 302


def test_more_lines_keeps_the_budget_and_adds_rows(client, draft):
    data = budget(more_lines="budget")
    body = post_step(client, draft, 2, data).get_data(as_text=True)
    assert 'value="Telte"' in body and 'name="budget-expenses-4-text"' in body and "18.000 kr." in body


def test_file_is_stored_on_the_draft_and_survives_a_validation_error(client, draft):
    resp = post_step(client, draft, 3, {"nav": "next", "andet": upload(PDF, "referat.pdf"), "tilbud": (b"", "")})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Vedhæft en fil." in body  # the required one is missing
    stored = _answers(draft)["andet"]
    assert stored["filename"] == "referat.pdf" and "Vedhæftet:" in body and "Fjern filen" in body
    document = db.session.get(Document, stored["document_id"])
    assert (document.case_id, document.kind, document.content_type) == (draft, "attachment", "application/pdf")
    assert client.get(f"/forening/dokumenter/{document.id}").data == PDF


def test_wrong_type_and_oversized_files_are_refused(client, draft, app):
    resp = post_step(client, draft, 3, {"nav": "next", "tilbud": upload(EXE, "tilbud.pdf")})
    assert resp.status_code == 200 and "Filtypen kan ikke bruges" in resp.get_data(as_text=True)
    resp = post_step(client, draft, 3, {"nav": "next", "tilbud": upload(EXE, "program.exe")})
    assert resp.status_code == 200 and "Filtypen kan ikke bruges" in resp.get_data(as_text=True)
    app.config["MAX_ATTACHMENT_BYTES"] = 100
    resp = post_step(client, draft, 3, {"nav": "next", "tilbud": upload(PDF + b"x" * 200, "stor.pdf")})
    assert resp.status_code == 200 and "Filen er for stor" in resp.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 500
    resp = post_step(client, draft, 3, {"nav": "next", "tilbud": upload(PDF + b"x" * 2000, "stor.pdf")}, version=1)
    assert resp.status_code == 413 and "fylder for meget" in resp.get_data(as_text=True)
    assert "tilbud" not in _answers(draft)
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 0


def test_replace_and_remove_a_file(client, draft, app):
    post_step(client, draft, 3, {"nav": "next", "tilbud": upload(PDF, "første.pdf")})
    first = db.session.get(Document, _answers(draft)["tilbud"]["document_id"])
    first_key = first.storage_key
    post_step(client, draft, 3, {"nav": "next", "tilbud": upload(PDF + b"% ny\n", "anden.pdf")})
    assert _answers(draft)["tilbud"]["filename"] == "anden.pdf" and not files.exists(first_key)
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 1
    resp = post_step(client, draft, 3, {"remove_file": "tilbud", "andet": (b"", "")})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Filen er fjernet" in body and "tilbud" not in _answers(draft)
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 0
    assert post_step(client, draft, 3, {"remove_file": "not-a-field"}).status_code == 200


def test_same_file_sent_twice_is_stored_once(client, draft):
    version = version_of(client, _url(draft, 3))
    post_step(client, draft, 3, {"nav": "next", "tilbud": upload()}, version=version)
    assert post_step(client, draft, 3, {"nav": "next", "tilbud": upload()}, version=version).status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 1


def test_nonsense_never_gives_a_500(client, draft):
    for number in (0, 4, 99):
        assert client.get(_url(draft, number)).status_code == 404
    for data in ({"case_version": "abc", "titel": "x"}, {"budget-expenses-0-amount": "9" * 40},
                 {"more_lines": "nope"}, {"nav": "sideways"}, {"samarbejde": ["yes", "no"]}):
        assert client.post(_url(draft, 1), data=data).status_code == 200
    assert client.post(_url(draft, 2), data={"more_lines": "budget", "budget-income-0-amount": "x"}).status_code == 200

"""The summary and submission: validation against the pinned version, deadline, double submit, receipt."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from app import clock
from app.extensions import db
from app.models import Case, CaseEvent, Document, OutboxMessage
from app.services.cases import core as case_service
from app.services.cases import transitions
from tests.applying.conftest import budget, fill_all, fresh, post_step, start, step1, version_of


@pytest.fixture
def filled(client, auth, world):
    """A complete draft; Karen is logged in."""
    auth.login("karen@example.dk")
    case_id = start(client, "frivillighedspuljen")
    fill_all(client, case_id)
    return case_id


def _summary_url(case_id):
    return f"/forening/ansoegninger/{case_id}/oversigt"


def _submit(client, case_id, version=None):
    version = version if version is not None else fresh(case_id).version
    return client.post(f"/forening/ansoegninger/{case_id}/indsend", data={"case_version": version})


def _submit_events(case_id):
    return db.session.scalars(db.select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                         CaseEvent.action == "submit")).all()


def test_summary_shows_every_step_budget_and_files(client, filled):
    page = client.get(_summary_url(filled)).get_data(as_text=True)
    for text in ("Trin 1:", "Om aktiviteten", "Sommerlejr for børn", "Ja", "Skolen og spejderne", "Trin 2:",
                 "<caption>Udgifter</caption>", "Telte", "12.000 kr.", "Udgifter i alt", "18.000 kr.",
                 "Indtægter i alt", "3.000 kr.", "15.000 kr.", "tilbud.pdf", "Send ansøgningen", "Ret svarene"):
        assert text in page, text
    assert 'aria-current="step"' in page


def test_submit_gives_number_journal_receipt_and_one_receipt_mail(client, filled, world, app):
    resp = _submit(client, filled)
    assert resp.status_code == 302 and resp.location.endswith(f"/forening/ansoegninger/{filled}/kvittering")
    case = fresh(filled)
    assert case.state == "submitted" and re.fullmatch(r"\d{4}-\d{6}", case.number) and case.submitted_at
    assert len(_submit_events(filled)) == 1
    [receipt] = db.session.scalars(db.select(Document).where(Document.case_id == filled,
                                                             Document.kind == "receipt")).all()
    assert (receipt.direction, receipt.content_type) == ("out", "application/pdf")
    assert receipt.filename == f"kvittering-{case.number}.pdf"
    to_association = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.recipient == world["a"].contact_email)).all()
    assert [m.template for m in to_association] == ["application_receipt"]
    assert to_association[0].status == "delivered" and to_association[0].payload["case_number"] == case.number
    staff = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.template == "case_update_staff"))
    assert staff.recipient == app.config["MUNICIPALITY_EMAIL"]
    page = client.get(resp.location).get_data(as_text=True)
    assert case.number in page and "Hent kvitteringen (PDF)" in page and world["a"].contact_email in page
    pdf = client.get(f"/forening/ansoegninger/{filled}/kvittering.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_double_submit_gives_one_case_and_the_receipt(client, filled):
    version = version_of(client, _summary_url(filled))
    first, second = _submit(client, filled, version), _submit(client, filled, version)
    assert first.status_code == second.status_code == 302
    assert second.location.endswith("/kvittering") and client.get(second.location).status_code == 200
    assert len(_submit_events(filled)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Case).where(Case.number.is_not(None))) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Document).where(Document.kind == "receipt")) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.template == "application_receipt")) == 1


def test_incomplete_application_links_back_to_the_step(client, auth, world):
    auth.login("karen@example.dk")
    case_id = start(client, "frivillighedspuljen")
    post_step(client, case_id, 1, step1())
    page = client.get(_summary_url(case_id)).get_data(as_text=True)
    assert "Ansøgningen kan ikke sendes endnu" in page and "Send ansøgningen" not in page
    assert f"/forening/ansoegninger/{case_id}/trin/2#budget-expenses-0-text" in page
    assert f"/forening/ansoegninger/{case_id}/trin/3#tilbud" in page
    resp = _submit(client, case_id)
    assert resp.status_code == 200 and "Ret de markerede svar først" in resp.get_data(as_text=True)
    assert fresh(case_id).state == "draft" and _submit_events(case_id) == []


def test_a_start_date_that_passed_while_the_draft_waited(client, filled):
    case = fresh(filled)
    data = dict(case.data)
    data["answers"] = {**data["answers"], "start": (clock.today() - timedelta(days=2)).isoformat()}
    case.data = data
    db.session.commit()
    resp = _submit(client, filled)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Datoen er passeret" in body
    assert f"/forening/ansoegninger/{filled}/trin/1#start" in body and fresh(filled).state == "draft"


def test_deadline_refuses_unless_the_pool_takes_late_applications(client, filled, world):
    pool = world["pool"]
    db.session.execute(update(type(pool)).where(type(pool).id == pool.id).values(
        deadline=clock.today() - timedelta(days=1)))
    db.session.commit()
    page = client.get(_summary_url(filled)).get_data(as_text=True)
    assert "Ansøgningen kan ikke sendes" in page and "Send ansøgningen" not in page
    resp = _submit(client, filled)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Ansøgningsfristen var" in body and "kladden er gemt" in body
    assert fresh(filled).state == "draft" and _submit_events(filled) == []
    db.session.execute(update(type(pool)).where(type(pool).id == pool.id).values(accepts_late=True,
                                                                               late_reduction_per_month=1))
    db.session.commit()
    page = client.get(_summary_url(filled)).get_data(as_text=True)
    assert "Fristen er overskredet, men puljen modtager ansøgninger efter fristen" in page and "1/12" in page
    assert _submit(client, filled).status_code == 302 and fresh(filled).state == "submitted"


def test_stale_summary_is_refused_with_a_message(client, auth, filled):
    old = version_of(client, _summary_url(filled))
    auth.logout()
    auth.login("bo@example.dk")
    post_step(client, filled, 2, budget(expenses=(("Telte", "20000"),)))
    auth.logout()
    auth.login("karen@example.dk")
    resp = _submit(client, filled, old)
    assert resp.status_code == 302 and resp.location.endswith("/oversigt")
    assert "har ændret ansøgningen" in client.get(resp.location).get_data(as_text=True)
    assert fresh(filled).state == "draft"
    assert _submit(client, filled).status_code == 302 and fresh(filled).amount_applied == 17_000


def test_answers_to_questions_that_no_longer_apply_are_not_sent(client, filled):
    post_step(client, filled, 1, step1(samarbejde="no", partnere="Gammelt svar"))
    assert fresh(filled).data["answers"]["partnere"] == "Gammelt svar"
    _submit(client, filled)
    case = fresh(filled)
    assert case.state == "submitted" and "partnere" not in case.data["answers"]


def test_after_submission_the_form_pages_lead_to_the_case(client, filled):
    _submit(client, filled)
    for url in (f"/forening/ansoegninger/{filled}", f"/forening/ansoegninger/{filled}/trin/1", _summary_url(filled)):
        resp = client.get(url)
        assert resp.status_code == 302 and resp.location.endswith(f"/forening/sager/{filled}")
    resp = post_step(client, filled, 1, step1(), version=1)
    assert resp.status_code == 302


def test_receipt_of_an_unsubmitted_draft_redirects_and_pdf_is_404(client, auth, world):
    auth.login("karen@example.dk")
    case_id = start(client, "frivillighedspuljen")
    assert client.get(f"/forening/ansoegninger/{case_id}/kvittering").location.endswith(f"/ansoegninger/{case_id}")
    assert client.get(f"/forening/ansoegninger/{case_id}/kvittering.pdf").status_code == 404


def test_receipt_pdf_for_a_case_submitted_outside_the_form_is_made_once(client, auth, world):
    case = case_service.create_draft(world["pool"], world["a"], world["chair"], "Gammel sag", 5_000)
    transitions.perform(case.id, "submit", world["chair"])
    auth.login("bo@example.dk")
    assert client.get(f"/forening/ansoegninger/{case.id}/kvittering.pdf").status_code == 200
    assert client.get(f"/forening/ansoegninger/{case.id}/kvittering.pdf").status_code == 200
    assert db.session.scalar(db.select(db.func.count()).select_from(Document).where(Document.kind == "receipt")) == 1


def test_staff_sees_the_submitted_application_and_its_files(client, auth, filled, world):
    _submit(client, filled)
    auth.logout()
    auth.login("mette@kommune.dk")
    page = client.get(f"/sagsbehandling/sager/{filled}").get_data(as_text=True)
    assert "Sommerlejr for børn" in page and "tilbud.pdf" in page and "kvittering-" in page

"""The caseworker's and administrator's pages: campaigns, the list, review, question, approval, inhabilitet."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AssociationApproval, AssociationConflict, ConflictDeclaration, OutboxMessage
from app.services.cases.core import is_inhabil
from app.services.cases.guard import NotAllowed, require_not_inhabil_in
from app.models.yearly import AnnualReport, ReportingCampaign
from app.services.yearly import reports
from tests.services.yearly.conftest import all_files, figures
from tests.views.annual_world import build


@pytest.fixture
def w(factory, app):
    world = build(factory)
    with app.test_request_context():
        world.report = reports.save(world.campaign.id, world.club, world.chair, figures(), all_files(), 0, submit=True)
        world.draft = reports.save(world.campaign.id, world.other, world.outsider, figures(), {}, 0)
    return world


def _status(report_id: int) -> str:
    db.session.expire_all()
    return db.session.get(AnnualReport, report_id).status


def test_the_caseworker_lists_asks_and_approves(client, auth, w):
    auth.login(w.caseworker.email)
    listing = client.get(f"/indberetning/kampagner/{w.campaign.id}/indberetninger").get_data(as_text=True)
    assert "Svømmeklubben Bølgen" in listing and "Til behandling" in listing
    assert client.get(f"/indberetning/indberetninger/{w.draft.id}").status_code == 404  # a draft is the board's
    page = client.get(f"/indberetning/indberetninger/{w.report.id}").get_data(as_text=True)
    assert "Kommunen har ikke foreningens vedtægter." in page  # § 4 not met: said before approving
    resp = client.post(f"/indberetning/indberetninger/{w.report.id}/spoerg", data={"question-question": ""})
    assert resp.status_code == 400 and "Skriv spørgsmålet til foreningen." in resp.get_data(as_text=True)
    client.post(f"/indberetning/indberetninger/{w.report.id}/spoerg",
                data={"question-question": "Hvor er revisorens underskrift?", "question-version": str(w.report.version)})
    assert _status(w.report.id) == "questioned"
    assert db.session.scalar(sa.select(OutboxMessage.recipient).where(
        OutboxMessage.template == "annual_report_question")) == w.club.contact_email
    auth.logout()
    auth.login(w.chair.email)  # the board sees the question, answers it and sends the report again
    url = f"/indberetning/forening/{w.club.id}/{w.campaign.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Hvor er revisorens underskrift?" in page and "Jeres svar på kommunens spørgsmål" in page
    from tests.views.annual_world import form
    db.session.expire_all()
    version = str(db.session.get(AnnualReport, w.report.id).version)
    resp = client.post(url, data=form(version=version, action="submit", answer="Den er på side 3."),
                       content_type="multipart/form-data")
    assert resp.status_code == 302 and _status(w.report.id) == "submitted"


def test_approval_without_section_4_says_why_and_writes_no_approval(client, auth, w):
    auth.login(w.caseworker.email)
    resp = client.post(f"/indberetning/indberetninger/{w.report.id}/godkend", data={}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert _status(w.report.id) == "approved"
    assert "ikke godkendt som folkeoplysende forening for 2027" in page and "vedtægter" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssociationApproval)) == 0


def test_approval_with_section_4_approves_the_association(client, auth, w, factory):
    factory.AssociationApprovalFactory(association=w.club, year=2026)  # statutes checked last year
    db.session.commit()
    auth.login(w.caseworker.email)
    resp = client.post(f"/indberetning/indberetninger/{w.report.id}/godkend", data={"approve-note": "Fint."},
                       follow_redirects=True)
    assert "foreningen er godkendt som folkeoplysende forening for 2027" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(AssociationApproval.year).where(AssociationApproval.year == 2027)) == 2027


def test_an_inhabil_caseworker_sees_no_buttons_and_cannot_approve(client, auth, w, factory):
    case = factory.CaseFactory(association=w.club)
    db.session.add(ConflictDeclaration(case_id=case.id, user_id=w.caseworker.id, reason="Familie"))
    db.session.commit()
    auth.login(w.caseworker.email)
    page = client.get(f"/indberetning/indberetninger/{w.report.id}").get_data(as_text=True)
    assert "erklæret dig inhabil" in page and "Godkend indberetningen" not in page
    resp = client.post(f"/indberetning/indberetninger/{w.report.id}/godkend", data={}, follow_redirects=True)
    assert "erklæret dig inhabil" in resp.get_data(as_text=True) and _status(w.report.id) == "submitted"


def test_a_caseworker_declares_a_conflict_towards_the_association_and_is_kept_out(client, auth, w, factory):
    """Inhabil towards the association itself (no case needed): not its report, and not its cases either."""
    case = factory.CaseFactory(association=w.club, state="screening")
    db.session.commit()
    auth.login(w.caseworker.email)
    resp = client.post(f"/indberetning/indberetninger/{w.report.id}/inhabil", data={"conflict-reason": ""})
    assert resp.status_code == 400 and "Skriv kort, hvorfor du er inhabil." in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AssociationConflict.id))) == 0
    resp = client.post(f"/indberetning/indberetninger/{w.report.id}/inhabil",
                       data={"conflict-reason": "Min søster er formand."}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "Du er nu erklæret inhabil i forhold til Svømmeklubben Bølgen" in page and "Godkend indberetningen" not in page
    resp = client.post(f"/indberetning/indberetninger/{w.report.id}/godkend", data={}, follow_redirects=True)
    assert "erklæret dig inhabil" in resp.get_data(as_text=True) and _status(w.report.id) == "submitted"
    with pytest.raises(NotAllowed, match="inhabil i forhold til Svømmeklubben Bølgen"):
        require_not_inhabil_in([case.id], w.caseworker)
    # Clicking twice keeps the first declaration and adds no second row.
    client.post(f"/indberetning/indberetninger/{w.report.id}/inhabil", data={"conflict-reason": "Igen"})
    assert db.session.scalar(sa.select(AssociationConflict.reason)) == "Min søster er formand."


def test_a_stale_review_is_refused(client, auth, w):
    auth.login(w.caseworker.email)
    shown = str(w.report.version)
    client.post(f"/indberetning/indberetninger/{w.report.id}/spoerg", data={"question-question": "Hvorfor?", "question-version": shown})
    resp = client.post(f"/indberetning/indberetninger/{w.report.id}/godkend", data={"approve-version": shown},
                       follow_redirects=True)
    assert "ændret, siden du åbnede den" in resp.get_data(as_text=True) and _status(w.report.id) == "questioned"


def test_the_administrator_opens_edits_and_closes_a_campaign(client, auth, w):
    auth.login(w.admin.email)
    resp = client.post("/indberetning/kampagner/ny", data={"year": "2027", "opens_on": "15.01.2027",
                                                           "deadline": "01.04.2027", "intro": "Igen"})
    assert resp.status_code == 400 and "allerede en indberetning for tilskudsåret 2027" in resp.get_data(as_text=True)
    resp = client.post("/indberetning/kampagner/ny", data={"year": "2028", "opens_on": "15.01.2028",
                                                           "deadline": "01.01.2028"})
    assert resp.status_code == 400 and "Fristen kan ikke ligge før" in resp.get_data(as_text=True)
    assert 'value="01.01.2028"' in resp.get_data(as_text=True)
    resp = client.post("/indberetning/kampagner/ny", data={"year": "2028", "opens_on": "15.01.2028",
                                                           "deadline": "01.04.2028"})
    assert resp.status_code == 302
    new = db.session.scalar(sa.select(ReportingCampaign).where(ReportingCampaign.year == 2028))
    assert client.post(f"/indberetning/kampagner/{new.id}", data={"opens_on": "15.01.2028", "deadline": "15.04.2028",
                                                                   "intro": "Ny"}).status_code == 302
    client.post(f"/indberetning/kampagner/{new.id}/status", data={"status": "closed"})
    db.session.expire_all()
    new = db.session.get(ReportingCampaign, new.id)
    assert (new.deadline, new.intro, new.status) == (date(2028, 4, 15), "Ny", "closed")
    assert "tal for 2027" in client.get("/indberetning/kampagner").get_data(as_text=True)


def test_a_caseworker_cannot_open_campaigns_and_a_member_cannot_review(client, auth, w):
    auth.login(w.caseworker.email)
    assert client.get("/indberetning/kampagner/ny").status_code == 403
    auth.logout()
    auth.login(w.chair.email)
    assert client.get(f"/indberetning/indberetninger/{w.report.id}").status_code == 403
    assert client.post(f"/indberetning/indberetninger/{w.report.id}/godkend", data={}).status_code == 403
    assert _status(w.report.id) == "submitted"


def test_a_conflict_towards_the_association_shows_on_and_guards_its_cases(client, auth, w, factory):
    """Declared on the report, it is on the case page too (with its reason), and the case's actions are refused."""
    case = factory.CaseFactory(association=w.club, state="screening")
    db.session.add(AssociationConflict(association_id=w.club.id, user_id=w.caseworker.id, reason="Min søster er formand."))
    db.session.commit()
    auth.login(w.caseworker.email)
    page = client.get(f"/sagsbehandling/sager/{case.id}").get_data(as_text=True)
    assert "Min søster er formand." in page and "Erklær mig inhabil" not in page
    assert is_inhabil(w.caseworker, case)

"""The caseworker's pages through the real views: access, the queue, the case page and bad input."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Case, CaseEvent, Document
from app.services.cases import assessment as assessment_service
from app.services.cases import notes as case_notes, transitions
from app.services.files import storage as files
from tests.staff.conftest import fresh

STAFF_RULES = [
    ("GET", "/sagsbehandling/"), ("POST", "/sagsbehandling/"), ("GET", "/sagsbehandling/antal"),
    ("GET", "/sagsbehandling/udvalg"),
    ("GET", "/sagsbehandling/sager/{id}"), ("POST", "/sagsbehandling/sager/{id}/handling"),
    ("POST", "/sagsbehandling/sager/{id}/tildeling"), ("POST", "/sagsbehandling/sager/{id}/noter"),
    ("POST", "/sagsbehandling/sager/{id}/oplysninger"), ("POST", "/sagsbehandling/sager/{id}/partshoering"),
    ("POST", "/sagsbehandling/sager/{id}/vurdering"), ("POST", "/sagsbehandling/sager/{id}/inhabilitet"),
    ("GET", "/sagsbehandling/dokumenter/{doc}"),
    ("POST", "/sagsbehandling/sager/{id}/afgoerelse"), ("POST", "/sagsbehandling/sager/{id}/afgoerelse/brev.pdf"),
    ("GET", "/sagsbehandling/tilskudsberegning"), ("POST", "/sagsbehandling/tilskudsberegning/{scheme}/beregn"),
    ("GET", "/sagsbehandling/tilskudsberegning/beregninger/{batch}"),
    ("POST", "/sagsbehandling/tilskudsberegning/beregninger/{batch}/dagsorden"),
    ("POST", "/sagsbehandling/tilskudsberegning/beregninger/{batch}/afregn"),
]
# Calculated subsidies: the role check comes before the object, so ids that do not exist answer 403 too.
NO_SUCH = {"scheme": 999_999, "batch": 999_999}


def _document(case, direction="in", name="budget.pdf") -> Document:
    key, digest = files.store_bytes(b"%PDF-1.4 budget")
    doc = Document(case_id=case.id, kind="attachment", direction=direction, filename=name,
                   content_type="application/pdf", size_bytes=15, sha256=digest, storage_key=key)
    db.session.add(doc)
    db.session.commit()
    return doc


def test_every_staff_url_is_listed_here(app):
    rules = {r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("staff.")}
    listed = {path.replace("{id}", "<int:case_id>").replace("{doc}", "<int:document_id>")
              .replace("{scheme}", "<int:scheme_id>").replace("{batch}", "<int:subsidy_batch_id>") for _, path in STAFF_RULES}
    assert rules == listed


@pytest.mark.parametrize("method, path", STAFF_RULES)
def test_applicant_gets_403_on_every_staff_url(client, auth, world, method, path):
    case = world.submitted()
    doc = _document(case)
    auth.login("karen@example.dk")
    url = path.format(id=case.id, doc=doc.id, **NO_SUCH)
    response = client.get(url) if method == "GET" else client.post(url, data={"action": "decide_grant"})
    assert response.status_code == 403


@pytest.mark.parametrize("method, path", STAFF_RULES)
def test_anonymous_is_sent_to_log_in(client, world, method, path):
    url = path.format(id=1, doc=1, **NO_SUCH)
    response = client.get(url) if method == "GET" else client.post(url)
    assert response.status_code == 302 and "/konto/log-ind" in response.location


def test_committee_member_reads_own_committees_cases_but_not_the_queue(client, auth, world, factory):
    outsider = factory.user(role="committee_member", email="other@kommune.dk")
    db.session.commit()
    case = world.submitted()
    doc = _document(case)
    auth.login("chair@kommune.dk")
    assert client.get("/sagsbehandling/").status_code == 403
    assert client.get("/sagsbehandling/antal?q=x").status_code == 403
    assert client.get(f"/sagsbehandling/sager/{case.id}").status_code == 200
    assert client.get(f"/sagsbehandling/dokumenter/{doc.id}").status_code == 200
    assert client.post(f"/sagsbehandling/sager/{case.id}/noter", data={"note-text": "x"}).status_code == 403
    auth.logout()
    auth.login(outsider.email)
    assert client.get(f"/sagsbehandling/sager/{case.id}").status_code == 404
    assert client.get(f"/sagsbehandling/dokumenter/{doc.id}").status_code == 404


def test_queue_lists_filters_and_keeps_them_in_the_url(client, auth, world):
    camp = world.submitted(title="Sommerlejr")
    world.submitted(title="Julefrokost")
    auth.login("mette@kommune.dk")
    body = client.get("/sagsbehandling/").get_data(as_text=True)
    assert "Sommerlejr" in body and "Julefrokost" in body and 'method="get"' in body
    body = client.get("/sagsbehandling/?q=sommerlejr&tildelt=none&sortering=newest").get_data(as_text=True)
    assert camp.number in body and "Julefrokost" not in body
    assert 'value="sommerlejr"' in body and re.search(r'<option selected value="newest"|value="newest" selected', body)


def test_queue_pages_with_a_next_link(app, client, auth, world):
    app.config["QUEUE_PAGE_SIZE"] = 2
    made = [world.submitted(title=f"Sag nummer {n}").id for n in range(3)]
    auth.login("mette@kommune.dk")
    body = client.get("/sagsbehandling/?q=nummer").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" rel="next"', body).group(1).replace("&amp;", "&")
    assert "q=nummer" in link and "efter=" in link
    second = client.get(link).get_data(as_text=True)
    assert f"/sagsbehandling/sager/{made[2]}" in second and f"/sagsbehandling/sager/{made[0]}" not in second
    assert "Første side" in second


def test_queue_bad_input_is_a_danish_message_and_kept(client, auth, world):
    world.submitted()
    auth.login("mette@kommune.dk")
    response = client.get("/sagsbehandling/?indsendt_fra=31.02.2026&beloeb_fra=mange&beloeb_til=5&efter=%%%"
                          "&status=<script>&pulje=x&tildelt=99999999999999999999&sortering=zz")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Datoen findes ikke" in body and "Skriv et beløb i hele kroner" in body
    assert 'value="31.02.2026"' in body and 'value="mange"' in body


def test_overdue_case_stands_out_with_text(client, auth, world):
    case = world.submitted("start_screening")
    transitions.perform(case.id, "request_information", world.caseworker,
                        given=transitions.ActionInput(comment="Budget?", reply_deadline=clock.today()))
    db.session.execute(sa.update(Case).where(Case.id == case.id).values(reply_deadline=clock.today() - timedelta(days=1)))
    db.session.commit()
    auth.login("mette@kommune.dk")
    body = client.get("/sagsbehandling/?overskredet=y").get_data(as_text=True)
    assert case.number in body and "Frist overskredet" in body
    assert "Fristen er overskredet" in client.get(f"/sagsbehandling/sager/{case.id}").get_data(as_text=True)


def test_bulk_assign_from_the_queue(client, auth, world):
    a, b = world.submitted(), world.submitted()
    auth.login("mette@kommune.dk")
    response = client.post("/sagsbehandling/?tildelt=none", data={
        "sager": [f"{a.id}:{a.version}", f"{b.id}:{b.version}"], "bulk-assignee": str(world.colleague.id)})
    assert response.status_code == 302 and response.location.endswith("/sagsbehandling/?tildelt=none")
    assert fresh(a).assignee_id == fresh(b).assignee_id == world.colleague.id
    response = client.post("/sagsbehandling/", data={"sager": [f"{a.id}:1"], "bulk-assignee": "none"})
    assert response.status_code == 400 and "Intet er gemt" in response.get_data(as_text=True)
    assert fresh(a).assignee_id == world.colleague.id
    response = client.post("/sagsbehandling/", data={"sager": ["x:y"], "bulk-assignee": "none"})
    assert response.status_code == 400 and "Vælg de sager" in response.get_data(as_text=True)


def test_case_page_shows_application_documents_association_and_journal(client, auth, world):
    case = world.submitted(data={"steps": [{"title": "Om lejren", "answers": {"Hvor": "Ved søen"}}]})
    _document(case, name="budget.pdf")
    case_notes.add_note(case.id, world.caseworker, "Talte med kassereren")
    auth.login("mette@kommune.dk")
    body = client.get(f"/sagsbehandling/sager/{case.id}").get_data(as_text=True)
    for text in ("Om lejren", "Ved søen", "budget.pdf", "Boldklubben Nordstjernen", "12345674",
                 "Talte med kassereren", "Intern note", "Børneattest"):
        assert text in body, text


def test_internal_notes_never_reach_the_applicant(client, auth, world):
    case = world.submitted("start_screening")
    case_notes.add_note(case.id, world.caseworker, "HEMMELIG NOTE om foreningen")
    assessment_service.declare_conflict(case.id, world.colleague, "INHABIL GRUND")
    transitions.perform(case.id, "request_information", world.caseworker,
                        given=transitions.ActionInput(comment="Send budget"))
    auth.login("karen@example.dk")
    body = client.get(f"/forening/sager/{case.id}").get_data(as_text=True)
    assert "Send budget" in body
    assert "HEMMELIG NOTE" not in body and "INHABIL GRUND" not in body and "Jonas Bæk" not in body


def test_document_download_checks_access(client, auth, world):
    case = world.submitted()
    doc = _document(case)
    auth.login("mette@kommune.dk")
    response = client.get(f"/sagsbehandling/dokumenter/{doc.id}")
    assert response.status_code == 200 and response.data == b"%PDF-1.4 budget"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/sagsbehandling/dokumenter/999999").status_code == 404
    draft = world.draft()
    assert client.get(f"/sagsbehandling/dokumenter/{_document(draft, name='k.pdf').id}").status_code == 404


def test_information_request_through_the_page(client, auth, world):
    case = world.submitted("start_screening")
    auth.login("mette@kommune.dk")
    page = client.get(f"/sagsbehandling/sager/{case.id}").get_data(as_text=True)
    default = (clock.today() + timedelta(days=14)).isoformat()
    assert f'value="{default}"' in page
    past = (clock.today() - timedelta(days=1)).isoformat()
    response = client.post(f"/sagsbehandling/sager/{case.id}/oplysninger", data={
        "info-question": "Hvor mange børn deltager?", "info-reply_deadline": past, "info-version": case.version})
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "Svarfristen kan ikke ligge før i dag" in body
    assert "Hvor mange børn deltager?" in body and fresh(case).state == "screening"
    response = client.post(f"/sagsbehandling/sager/{case.id}/oplysninger", data={
        "info-question": "Hvor mange børn deltager?", "info-reply_deadline": "", "info-version": case.version})
    assert response.status_code == 400 and "Vælg en svarfrist" in response.get_data(as_text=True)
    response = client.post(f"/sagsbehandling/sager/{case.id}/oplysninger", data={
        "info-question": "Hvor mange børn deltager?", "info-reply_deadline": default, "info-version": case.version})
    assert response.status_code == 302 and fresh(case).state == "needs_information"


def test_assessment_through_the_page(client, auth, world):
    case = world.submitted("start_screening", "start_assessment")
    first, second = (c.id for c in world.pool.criteria)
    auth.login("mette@kommune.dk")
    url = f"/sagsbehandling/sager/{case.id}/vurdering"
    base = {"assessment-version": case.version, f"assessment-score_{first}": "4",
            f"assessment-comment_{first}": "Fint samarbejde", f"assessment-score_{second}": "1",
            "assessment-recommendation": "Anbefales med 8.000 kr."}
    response = client.post(url, data={**base, f"assessment-score_{first}": "9", "assessment-recommended_amount": "8.000"})
    assert response.status_code == 400 and "Vælg en score fra 0 til 5" in response.get_data(as_text=True)
    response = client.post(url, data={**base, "assessment-recommended_amount": "12.000"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "større end det ansøgte" in body and 'value="12.000"' in body
    assert assessment_service.assessment_for(case) is None
    response = client.post(url, data={**base, "assessment-recommended_amount": "8.000"})
    assert response.status_code == 302
    body = client.get(f"/sagsbehandling/sager/{case.id}").get_data(as_text=True)
    assert "3,0" in body and fresh(case).recommended_amount == 8_000


def test_reason_is_drafted_to_the_association_and_appeal_text_is_shown(client, auth, world):
    case = world.submitted("start_screening", "start_assessment")
    assessment_service.save_assessment(case.id, world.caseworker, {}, 6_000, "Aktiviteten er lille, men god.")
    transitions.perform(case.id, "recommend", world.caseworker)
    auth.login("mette@kommune.dk")
    body = client.get(f"/sagsbehandling/sager/{case.id}").get_data(as_text=True)
    draft = re.search(r'name="reason"[^>]*>([^<]*)</textarea>', body).group(1)
    assert draft.startswith("I får 6.000 kr. af de 10.000 kr., I har søgt om til »Sommerlejr«.")
    assert "Aktiviteten er lille" not in draft  # the internal recommendation stays in the journal
    assert 'value="6000"' in body and "I kan klage til kommunen inden 4 uger." in body
    assert 'value="decide_grant"' in body and 'value="send_to_committee"' not in body


def test_decision_under_delegation_through_the_page(client, auth, world):
    case = world.submitted("start_screening", "start_assessment", "recommend")
    auth.login("mette@kommune.dk")
    url = f"/sagsbehandling/sager/{case.id}/handling"
    response = client.post(url, data={"action": "decide_partly", "version": fresh(case).version,
                                      "reason": "Budgettet er for højt", "amount": "-5"})
    assert response.status_code == 400 and "hele kroner" in response.get_data(as_text=True)
    response = client.post(url, data={"action": "decide_partly", "version": fresh(case).version,
                                      "reason": "Budgettet er for højt", "amount": "5000"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "partshøring" in body and "Budgettet er for højt" in body
    client.post(f"/sagsbehandling/sager/{case.id}/partshoering", data={
        "hearing-choice": "not_needed", "hearing-explanation": "Bygger kun på ansøgningen",
        "hearing-version": fresh(case).version})
    response = client.post(url, data={"action": "decide_partly", "version": fresh(case).version,
                                      "reason": "Budgettet er for højt", "amount": "5.000"})
    assert response.status_code == 302
    case = fresh(case)
    assert case.state == "partly_granted" and case.granted_amount == 5_000


def test_stale_action_keeps_the_typed_text(client, auth, world):
    case = world.submitted("start_screening", "start_assessment", "recommend")
    old = case.version
    transitions.perform(case.id, "reopen_assessment", world.colleague)
    auth.login("mette@kommune.dk")
    response = client.post(f"/sagsbehandling/sager/{case.id}/handling", data={
        "action": "decide_grant", "version": old, "comment": "Min bemærkning"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "ændret af en anden" in body and "Min bemærkning" in body
    assert fresh(case).state == "assessment"


def test_inhabil_caseworker_cannot_act_through_the_page(client, auth, world):
    case = world.submitted("start_screening")
    auth.login("mette@kommune.dk")
    response = client.post(f"/sagsbehandling/sager/{case.id}/inhabilitet", data={"conflict-reason": "Min bror"})
    assert response.status_code == 302
    body = client.get(f"/sagsbehandling/sager/{case.id}").get_data(as_text=True)
    assert "Du har erklæret dig inhabil" in body and 'value="start_assessment"' not in body
    response = client.post(f"/sagsbehandling/sager/{case.id}/handling", data={
        "action": "start_assessment", "version": fresh(case).version})
    assert response.status_code == 409 and "inhabil" in response.get_data(as_text=True)
    assert fresh(case).state == "screening"
    kinds = db.session.scalars(sa.select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).all()
    assert "conflict" in kinds


@pytest.mark.parametrize("path, data", [
    ("noter", {"note-text": ""}),
    ("partshoering", {"hearing-choice": "maybe", "hearing-explanation": ""}),
    ("inhabilitet", {"conflict-reason": " "}),
    ("tildeling", {"assign-assignee": "abc", "assign-version": "zz"}),
    ("handling", {"action": "x" * 500, "version": "abc", "amount": "1e9"}),
])
def test_bad_input_never_500(client, auth, world, path, data):
    case = world.submitted("start_screening")
    auth.login("mette@kommune.dk")
    response = client.post(f"/sagsbehandling/sager/{case.id}/{path}", data=data)
    assert response.status_code in (400, 409)
    assert "Der er problemer" in response.get_data(as_text=True) or 'class="alert alert-error' in \
        response.get_data(as_text=True)

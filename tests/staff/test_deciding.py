"""Deciding with care (issue 19): a reason drafted to the association, the letter seen before it is sent,
a confirmation naming amount and recipient, the letter and next steps afterwards; the committee's meeting
chosen when the case is sent to it."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AgendaItem, Case, CaseEvent, Decision, Document, OutboxMessage
from app.services.cases import assessment as assessment_service
from app.services.cases import transitions
from app.services.cases.assessment import ScoreInput
from app.services.committee import meetings
from app.services.committee.letter_preview import letter_text
from app.services.files import storage as files
from app.staff import decision_page
from tests.staff.conftest import fresh


def _recommended(world, amount: int, recommendation: str = "Vi indstiller beløbet, fordi lejren er god.",
                 scores: dict | None = None) -> Case:
    case = world.submitted("start_screening", "start_assessment")
    assessment_service.save_assessment(case.id, world.caseworker, scores or {}, amount, recommendation)
    transitions.perform(case.id, "recommend", world.caseworker)
    return fresh(case)


def _counts() -> dict:
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Decision, CaseEvent, OutboxMessage, Document, AgendaItem)}


def _draft(body: str) -> str:
    return re.search(r'name="reason"[^>]*>([^<]*)</textarea>', body).group(1)


def _confirm_hearing(client, case):
    client.post(f"/sagsbehandling/sager/{case.id}/partshoering", data={
        "hearing-choice": "not_needed", "hearing-explanation": "Bygger kun på ansøgningen",
        "hearing-version": fresh(case).version})


def test_the_draft_reason_for_a_grant_speaks_to_the_association(client, auth, world):
    criterion = world.pool.criteria[0]
    criterion.name = "Børn og unge"
    db.session.commit()
    case = _recommended(world, 10_000, "Vi indstiller 10.000 kr., fordi lejren er for børn.",
                        scores={criterion.id: ScoreInput(4, "Mange børn")})
    auth.login("mette@kommune.dk")
    body = client.get(f"/sagsbehandling/sager/{case.id}").get_data(as_text=True)
    draft = _draft(body)
    assert draft.startswith("I får 10.000 kr. til »Sommerlejr«.") and "Børn og unge" in draft
    assert "indstil" not in draft.lower()
    assert "Begrundelse til foreningen" in body


def test_the_draft_refusal_names_the_criteria_not_met(client, auth, world):
    met, unmet = world.pool.criteria[:2]
    met.name, unmet.name = "Børn og unge", "Lokal forankring"
    db.session.commit()
    case = _recommended(world, 0, scores={met.id: ScoreInput(4, ""), unmet.id: ScoreInput(1, "Holdes i Aarhus")})
    auth.login("mette@kommune.dk")
    draft = _draft(client.get(f"/sagsbehandling/sager/{case.id}").get_data(as_text=True))
    assert draft.startswith("I får ikke tilskud til »Sommerlejr«.")
    assert "– Lokal forankring: Holdes i Aarhus" in draft and "Børn og unge" not in draft


def test_reason_is_optional_only_where_the_law_allows(client, auth, world):
    case = _recommended(world, 10_000)
    auth.login("mette@kommune.dk")
    body = client.get(f"/sagsbehandling/sager/{case.id}").get_data(as_text=True)
    # Without partshøring only the full grant is offered: its reason is optional.
    assert re.search(r"Begrundelse til foreningen <span[^>]*>\(valgfri\)", body)
    _confirm_hearing(client, case)
    body = client.get(f"/sagsbehandling/sager/{case.id}").get_data(as_text=True)
    assert "(valgfri)</span></label>\n      <span class=\"form-hint\" id=\"action-reason-hint\"" not in body
    assert "Skal udfyldes ved afslag og delvis bevilling (forvaltningslovens § 22)" in body


def test_a_refusal_without_reason_is_refused_next_to_the_field_and_keeps_what_was_typed(client, auth, world):
    case = _recommended(world, 0)
    auth.login("mette@kommune.dk")
    _confirm_hearing(client, case)
    before = _counts()
    response = client.post(f"/sagsbehandling/sager/{case.id}/afgoerelse", data={
        "action": "decide_reject", "version": fresh(case).version, "reason": "  ", "comment": "Min note"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and 'id="action-reason-error"' in body
    assert "forvaltningslovens § 22" in body and "Min note" in body
    assert _counts() == before and fresh(case).state == "recommended"


def test_the_preview_shows_the_letter_and_writes_nothing(client, auth, world):
    case = _recommended(world, 10_000)
    auth.login("mette@kommune.dk")
    before, version = _counts(), fresh(case).version
    form = {"action": "decide_grant", "version": version, "reason": "I får pengene til lejren.", "amount": "10000"}
    response = client.post(f"/sagsbehandling/sager/{case.id}/afgoerelse", data=form)
    body = response.get_data(as_text=True)
    assert response.status_code == 200, body
    assert "Bevilg 10.000 kr. til Boldklubben Nordstjernen og send brevet" in body
    assert "I får pengene til lejren." in body and "Afgørelse om tilskud" in body
    pdf = client.post(f"/sagsbehandling/sager/{case.id}/afgoerelse/brev.pdf", data=form)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert _counts() == before
    case = fresh(case)
    assert case.state == "recommended" and case.version == version and case.granted_amount is None
    back = client.post(f"/sagsbehandling/sager/{case.id}/afgoerelse", data={**form, "edit": "1"})
    assert back.status_code == 200 and _draft(back.get_data(as_text=True)) == "I får pengene til lejren."


def test_the_sent_letter_reads_exactly_as_the_preview(client, auth, world):
    case = _recommended(world, 6_000)
    auth.login("mette@kommune.dk")
    _confirm_hearing(client, case)
    form = {"action": "decide_partly", "version": fresh(case).version, "amount": "6.000",
            "reason": "I får 6.000 kr. af de 10.000 kr.\r\n\r\nBudgettet til transport er for højt."}
    page = client.post(f"/sagsbehandling/sager/{case.id}/afgoerelse", data=form).get_data(as_text=True)
    assert "Bevilg 6.000 kr. til Boldklubben Nordstjernen og send brevet" in page
    previewed = letter_text(client.post(f"/sagsbehandling/sager/{case.id}/afgoerelse/brev.pdf", data=form).data)
    response = client.post(f"/sagsbehandling/sager/{case.id}/handling", data=form)
    assert response.status_code == 302 and response.location.endswith("#afgoerelse")
    decision = db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id))
    assert decision.letter_document_id is not None, "the letter is written once the decision is committed"
    sent = files.read_bytes(db.session.get(Document, decision.letter_document_id).storage_key)
    assert letter_text(sent) == previewed and "Budgettet til transport er for højt." in previewed
    body = client.get(f"/sagsbehandling/sager/{case.id}").get_data(as_text=True)
    assert "Boldklubben Nordstjernen får 6.000 kr.<" in body and "Handlingen er udført" not in body
    assert f"/sagsbehandling/dokumenter/{decision.letter_document_id}" in body and "Udbetaling" in body


def _committee_case(world) -> Case:
    world.pool.delegation_limit = 5_000
    db.session.commit()
    return _recommended(world, 10_000)


def test_send_to_committee_puts_the_case_on_the_chosen_meeting(client, auth, world):
    case = _committee_case(world)
    soon = meetings.create_meeting(world.committee.id, clock.today() + timedelta(days=3), "Decembermødet", "", world.caseworker)
    later = meetings.create_meeting(world.committee.id, clock.today() + timedelta(days=30), "Januarmødet", "", world.caseworker)
    auth.login("mette@kommune.dk")
    body = client.get(f"/sagsbehandling/sager/{case.id}").get_data(as_text=True)
    assert re.search(rf'<option value="{soon.id}" selected>[^<]*Decembermødet', body) and "Vælg møde senere" in body
    response = client.post(f"/sagsbehandling/sager/{case.id}/handling", data={
        "action": "send_to_committee", "version": fresh(case).version, "meeting": str(later.id)})
    assert response.status_code == 302
    assert fresh(case).state == "committee"
    assert db.session.scalars(sa.select(AgendaItem.meeting_id).where(AgendaItem.case_id == case.id)).all() == [later.id]
    assert "sat på dagsordenen til mødet" in client.get(response.location).get_data(as_text=True)


def test_send_to_committee_choosing_later_puts_it_on_no_agenda(client, auth, world):
    case = _committee_case(world)
    auth.login("mette@kommune.dk")
    response = client.post(f"/sagsbehandling/sager/{case.id}/handling", data={
        "action": "send_to_committee", "version": fresh(case).version, "meeting": ""}, follow_redirects=True)
    assert "Den er ikke på en dagsorden endnu" in response.get_data(as_text=True)
    assert fresh(case).state == "committee" and _counts()["AgendaItem"] == 0


def test_a_closed_meeting_refuses_and_the_case_stays(client, auth, world):
    case = _committee_case(world)
    meeting = meetings.create_meeting(world.committee.id, clock.today() + timedelta(days=3), "Lukket", "", world.caseworker)
    auth.login("mette@kommune.dk")
    page = client.get(f"/sagsbehandling/sager/{case.id}")  # the form shows the meeting; then it is closed
    assert page.status_code == 200
    meeting.status, meeting.closed_at = "closed", clock.now()
    db.session.commit()
    response = client.post(f"/sagsbehandling/sager/{case.id}/handling", data={
        "action": "send_to_committee", "version": fresh(case).version, "meeting": str(meeting.id),
        "comment": "Til udvalget"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and 'id="action-meeting-error"' in body
    assert "Mødet er afsluttet" in body and "Til udvalget" in body
    assert fresh(case).state == "recommended" and _counts()["AgendaItem"] == 0
    response = client.post(f"/sagsbehandling/sager/{case.id}/handling", data={
        "action": "send_to_committee", "version": fresh(case).version, "meeting": "abc"})
    assert response.status_code == 400 and "Vælg et af udvalgets møder" in response.get_data(as_text=True)


def test_reflow_joins_the_lines_the_pdf_wrapped_and_keeps_every_word():
    page = ("Begrundelse\n"
            "I får 10.000 kr. til »Sommerlejr«. Vi har lagt vægt på, at jeres ansøgning lever op til\n"
            "puljens kriterier.\n"
            "Klagevejledning")
    assert decision_page.reflow(page) == ("Begrundelse\nI får 10.000 kr. til »Sommerlejr«. Vi har lagt vægt på, at "
                                          "jeres ansøgning lever op til puljens kriterier.\nKlagevejledning")
    assert decision_page.reflow(page).split() == page.split()


def test_reflow_measures_the_body_not_the_small_print_footer():
    page = ("Eksempel Kommune · Kultur og Fritid · Rådhuspladsen 1, 9999 Eksempelby · kultur@kommune.example · 70 10 20 30\n"
            "Vi har den 7. december 2026 besluttet at bevilge jer 6.000 kr. af de 10.000 kr., I har søgt om,\n"
            "til »Sommerlejr« fra Pulje 0.\n"
            "Vi udbetaler tilskuddet til foreningens NemKonto (CVR-nr. 12345674). I skal ikke sende\n"
            "kontonummer eller gøre andet for at få pengene.\n"
            "Kontakt Mette Sørensen på mette@kommune.dk eller telefon 70 10 20 30. Skriv sagsnummeret\n"
            "2026-000001, når I skriver til os.")
    lines = decision_page.reflow(page).split("\n")
    assert "Vi udbetaler tilskuddet til foreningens NemKonto (CVR-nr. 12345674). I skal ikke sende kontonummer " \
           "eller gøre andet for at få pengene." in lines
    assert "til »Sommerlejr« fra Pulje 0." not in lines  # joined to the line the PDF wrapped


def test_the_preview_keeps_the_money_limits_and_inhabilitet(client, auth, world):
    case = _recommended(world, 10_000)
    world.pool.budget = 4_000
    db.session.commit()
    auth.login("mette@kommune.dk")
    before = _counts()
    form = {"action": "decide_grant", "version": fresh(case).version, "reason": "Mit udkast"}
    response = client.post(f"/sagsbehandling/sager/{case.id}/afgoerelse", data=form)
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and 'id="action-amount-error"' in body and "Mit udkast" in body
    client.post(f"/sagsbehandling/sager/{case.id}/inhabilitet", data={"conflict-reason": "Min søster er formand"})
    response = client.post(f"/sagsbehandling/sager/{case.id}/afgoerelse", data={**form, "version": fresh(case).version})
    assert response.status_code == 409 and "inhabil" in response.get_data(as_text=True)
    assert _counts()["Decision"] == before["Decision"] == 0 and fresh(case).state == "recommended"

"""Meeting pages through the real views: access, recording decisions, inhabil, closing, minutes, letters."""
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AgendaItem, Case, CaseEvent, Decision, Meeting, MoneyApproval
from app.services.committee import decisions, meetings as meetings_service
from app.services.cases.assessment import declare_conflict

ROUTES = [
    ("GET", "/udvalg/moeder"), ("POST", "/udvalg/moeder"), ("GET", "/udvalg/moeder/{m}"),
    ("POST", "/udvalg/moeder/{m}/dagsorden"), ("POST", "/udvalg/moeder/{m}/dagsorden/{i}/fjern"),
    ("POST", "/udvalg/moeder/{m}/punkter/{i}"), ("POST", "/udvalg/moeder/{m}/punkter/{i}/inhabil"),
    ("POST", "/udvalg/moeder/{m}/afslut"), ("GET", "/udvalg/moeder/{m}/protokol"),
    ("POST", "/udvalg/moeder/{m}/beregninger/{b}"), ("POST", "/udvalg/moeder/{m}/beregninger/{b}/fjern"),
    ("POST", "/udvalg/moeder/{m}/beregninger/{b}/inhabil"),
    ("GET", "/udvalg/sager/{c}/afgoerelser"), ("GET", "/udvalg/afgoerelser/{d}/ret"),
    ("POST", "/udvalg/afgoerelser/{d}/ret"), ("GET", "/administration/beskeder/"),
    ("POST", "/administration/beskeder/{o}/igen"), ("POST", "/udvalg/rettelser/{a}/{answer}"),
]
MEETING_PAGES = [r for r in ROUTES if "{m}" in r[1]]


@pytest.fixture
def closed(world):
    """A closed meeting with one granted case (letter and minutes made)."""
    case = world.committee_case()
    meeting = world.meeting([case])
    world.decide(meeting, case, "grant")
    decisions.close_meeting(meeting.id, world.chair)
    db.session.expire_all()
    return db.session.get(Meeting, meeting.id), case


def _ids(meeting, case) -> dict:
    item = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))
    decision = db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id))
    return {"m": meeting.id, "i": item.id, "c": case.id, "d": decision.id, "o": 1, "a": 1, "b": 1, "answer": "godkend"}


def _call(client, method, path, ids):
    url = path.format(**ids)
    return client.get(url) if method == "GET" else client.post(url, data={})


def test_every_route_is_listed_here(app):
    rules = {r.rule for r in app.url_map.iter_rules() if r.endpoint.split(".")[0] in ("committee", "notices_admin")}
    listed = {p.replace("{m}", "<int:meeting_id>").replace("{i}", "<int:item_id>").replace("{c}", "<int:case_id>")
              .replace("{d}", "<int:decision_id>").replace("{o}", "<int:message_id>")
              .replace("{a}", "<int:approval_id>").replace("{b}", "<int:subsidy_batch_id>").replace("{answer}", "<any(godkend, afvis):step>") for _, p in ROUTES}
    assert rules == listed


@pytest.mark.parametrize("method, path", ROUTES)
def test_applicant_gets_403(client, auth, world, closed, method, path):
    auth.login("karen@example.dk")
    assert _call(client, method, path, _ids(*closed)).status_code == 403


@pytest.mark.parametrize("method, path", ROUTES)
def test_anonymous_is_sent_to_log_in(client, world, closed, method, path):
    response = _call(client, method, path, _ids(*closed))
    assert response.status_code == 302 and "/konto/log-ind" in response.location


@pytest.mark.parametrize("method, path", [r for r in MEETING_PAGES if r[0] == "GET" or "punkter" in r[1]
                                          or "afslut" in r[1]])
def test_member_of_another_committee_gets_404(client, auth, world, closed, method, path):
    auth.login("peter@kommune.dk")
    assert _call(client, method, path, _ids(*closed)).status_code == 404


def test_member_sees_agenda_with_amounts_score_and_budget(client, auth, world):
    case = world.committee_case(amount=60_000, recommended=45_000)
    meeting = world.meeting([case])
    world.decide(meeting, case, "grant", by=world.chair)
    auth.login("ahmed@kommune.dk")
    body = client.get(f"/udvalg/moeder/{meeting.id}").get_data(as_text=True)
    for expected in ("Boldklubben Nordstjernen", "60.000 kr.", "45.000 kr.", "Lokaletilskud 2026", "500.000 kr.",
                     "455.000 kr.", "af Lise Dahl", "Bevilg som indstillet", "Udsæt sagen", f"/sagsbehandling/sager/{case.id}"):
        assert expected in body, expected
    assert "Afslut mødet" not in body  # only the chair closes


def test_recording_a_partial_grant_without_amount_shows_danish_errors_and_keeps_input(client, auth, world):
    case = world.committee_case()
    meeting = world.meeting([case])
    item = db.session.scalar(sa.select(AgendaItem))
    auth.login("ahmed@kommune.dk")
    response = client.post(f"/udvalg/moeder/{meeting.id}/punkter/{item.id}",
                           data={f"punkt{item.id}-proposal": "partly", f"punkt{item.id}-amount": "tyve",
                                 f"punkt{item.id}-comment": "Min bemærkning"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Skriv et beløb i hele kroner" in body and "forvaltningslovens § 22" in body
    assert "Min bemærkning" in body and 'value="tyve"' in body
    assert db.session.scalar(sa.select(AgendaItem.proposal)) is None


def test_member_records_a_decision(client, auth, world):
    case = world.committee_case()
    meeting = world.meeting([case])
    item = db.session.scalar(sa.select(AgendaItem))
    auth.login("ahmed@kommune.dk")
    response = client.post(f"/udvalg/moeder/{meeting.id}/punkter/{item.id}",
                           data={f"punkt{item.id}-proposal": "partly", f"punkt{item.id}-amount": "30.000",
                                 f"punkt{item.id}-reason": "Kun halvdelen af udgifterne er driftsudgifter."})
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.get(AgendaItem, item.id)
    assert (item.proposal, item.proposed_amount, item.recorded_by_id) == ("partly", 30_000, world.member.id)


def test_inhabil_member_is_shown_as_inhabil_and_cannot_record(client, auth, world):
    case = world.committee_case()
    meeting = world.meeting([case])
    item = db.session.scalar(sa.select(AgendaItem))
    auth.login("ahmed@kommune.dk")
    response = client.post(f"/udvalg/moeder/{meeting.id}/punkter/{item.id}/inhabil",
                           data={f"inhabil{item.id}-reason": "Min søn spiller i klubben."})
    assert response.status_code == 302
    body = client.get(f"/udvalg/moeder/{meeting.id}").get_data(as_text=True)
    assert "Du er inhabil i denne sag" in body and "Ahmed Hansen" in body
    response = client.post(f"/udvalg/moeder/{meeting.id}/punkter/{item.id}",
                           data={f"punkt{item.id}-proposal": "grant"})
    assert response.status_code == 409 and "inhabil" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(AgendaItem.proposal)) is None


def test_only_the_chair_can_close(client, auth, world):
    case = world.committee_case()
    meeting = world.meeting([case])
    world.decide(meeting, case, "grant")
    auth.login("ahmed@kommune.dk")
    response = client.post(f"/udvalg/moeder/{meeting.id}/afslut")
    assert response.status_code == 409 and "Kun udvalgets formand" in response.get_data(as_text=True)
    auth.logout()
    auth.login("lise@kommune.dk")
    assert client.post(f"/udvalg/moeder/{meeting.id}/afslut").status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "granted"
    assert client.post(f"/udvalg/moeder/{meeting.id}/afslut").status_code == 302  # a second close does nothing
    minutes = client.get(f"/udvalg/moeder/{meeting.id}/protokol")
    assert minutes.status_code == 200 and minutes.mimetype == "application/pdf"


def test_budget_refusal_is_shown_to_the_chair(client, auth, world):
    world.pool.budget = 10_000
    db.session.commit()
    case = world.committee_case(amount=40_000)
    meeting = world.meeting([case])
    world.decide(meeting, case, "grant")
    auth.login("lise@kommune.dk")
    response = client.post(f"/udvalg/moeder/{meeting.id}/afslut")
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Puljen Lokaletilskud 2026 har 10.000 kr. tilbage, men dagsordenen bevilger 40.000 kr." in body
    assert db.session.get(Meeting, meeting.id).status == "planned"


def test_caseworker_creates_a_meeting_and_fills_the_agenda(client, auth, world):
    case = world.committee_case()
    auth.login("mette@kommune.dk")
    bad = client.post("/udvalg/moeder", data={"committee": str(world.committee.id), "meeting_date": "31.02.2026",
                                              "title": "Junimøde"})
    assert bad.status_code == 400 and "Datoen findes ikke" in bad.get_data(as_text=True)
    assert "Junimøde" in bad.get_data(as_text=True)
    response = client.post("/udvalg/moeder", data={"committee": str(world.committee.id), "meeting_date": "3.12.2026",
                                                   "title": "Decembermøde", "location": "Rådhuset"})
    assert response.status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    page = client.get(f"/udvalg/moeder/{meeting.id}").get_data(as_text=True)
    assert case.title in page and 'name="sager"' in page
    assert client.post(f"/udvalg/moeder/{meeting.id}/dagsorden", data={"sager": ["x"]}).status_code == 400
    assert client.post(f"/udvalg/moeder/{meeting.id}/dagsorden", data={"sager": [str(case.id)]}).status_code == 302
    assert db.session.scalar(sa.select(AgendaItem.case_id)) == case.id


def test_applicant_downloads_the_letter_in_the_portal_and_others_cannot(client, auth, world, closed, factory):
    meeting, case = closed
    decision = db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id))
    stranger = factory.user(email="other@example.dk")
    factory.association(members=(stranger,))
    db.session.commit()
    auth.login("karen@example.dk")
    response = client.get(f"/forening/dokumenter/{decision.letter_document_id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-1.4")
    auth.logout()
    auth.login("other@example.dk")
    assert client.get(f"/forening/dokumenter/{decision.letter_document_id}").status_code == 404


def test_a_committee_decision_is_corrected_only_by_the_committee(client, auth, world, closed):
    meeting, case = closed
    old = db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id))
    auth.login("mette@kommune.dk")
    page = client.get(f"/udvalg/sager/{case.id}/afgoerelser").get_data(as_text=True)
    assert "Rettes af udvalget" in page
    response = client.post(f"/udvalg/afgoerelser/{old.id}/ret",
                           data={"note": "Beløbet var skrevet forkert.", "amount": "35.000", "reason": ""})
    assert response.status_code == 409 and "kan kun rettes af udvalget" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(Decision.id).where(Decision.corrects_id == old.id)) is None
    assert db.session.get(Case, case.id).granted_amount == 40_000


def _delegated(world, factory, amount=10_000):
    case = factory.decided_case(world.pool, world.association, world.applicant, world.caseworker, amount)
    return case, db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id))


def test_a_corrected_amount_waits_for_a_second_caseworker(client, auth, world, factory):
    case, old = _delegated(world, factory)
    auth.login("mette@kommune.dk")
    bad = client.post(f"/udvalg/afgoerelser/{old.id}/ret", data={"note": "", "amount": "8.000"})
    assert bad.status_code == 400 and "Skriv, hvad der er rettet" in bad.get_data(as_text=True)
    response = client.post(f"/udvalg/afgoerelser/{old.id}/ret",
                           data={"note": "Beløbet var skrevet forkert.", "amount": "8.000", "reason": "For højt"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(Decision.id).where(Decision.corrects_id == old.id)) is None
    assert db.session.get(Case, case.id).granted_amount == 10_000  # nothing moves before the second person
    [proposal] = db.session.scalars(sa.select(MoneyApproval)).all()
    page = client.get(f"/udvalg/sager/{case.id}/afgoerelser").get_data(as_text=True)
    assert "venter på godkendelse" in page and "Du har selv foreslået rettelsen" in page
    own = client.post(f"/udvalg/rettelser/{proposal.id}/godkend", data={"answer": ""}, follow_redirects=True)
    assert "din egen rettelse" in own.get_data(as_text=True)
    again = client.post(f"/udvalg/afgoerelser/{old.id}/ret", data={"note": "Igen", "amount": "7.000", "reason": "x"})
    assert again.status_code == 409 and "venter allerede" in again.get_data(as_text=True)
    auth.logout()
    auth.login("anne@kommune.dk")
    assert "En rettelse af beløbet venter på godkendelse" in client.get(
        f"/sagsbehandling/sager/{case.id}").get_data(as_text=True)
    page = client.get(f"/udvalg/sager/{case.id}/afgoerelser").get_data(as_text=True)
    assert "Godkend rettelsen" in page
    assert client.post(f"/udvalg/rettelser/{proposal.id}/godkend", data={"answer": "Set"}).status_code == 302
    db.session.expire_all()
    new = db.session.scalar(sa.select(Decision).where(Decision.corrects_id == old.id))
    assert new.amount == 8_000 and new.decided_by_id == world.caseworker.id
    assert db.session.get(Case, case.id).granted_amount == 8_000
    proposal = db.session.get(MoneyApproval, proposal.id)
    assert (proposal.status, proposal.decided_by_id) == ("approved", world.admin.id)
    actions = db.session.scalars(sa.select(CaseEvent.action).where(CaseEvent.case_id == case.id)).all()
    assert {"propose_correction", "approve_correction", "correct_decision"} <= set(actions)


def test_a_rejected_correction_changes_nothing_but_the_journal(client, auth, world, factory):
    case, old = _delegated(world, factory)
    proposal = decisions.correct_decision(old.id, world.caseworker, note="Fejl", reason="x", amount=9_000)
    auth.login("anne@kommune.dk")
    assert client.post(f"/udvalg/rettelser/{proposal.id}/afvis", data={"answer": "Ikke belæg"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(MoneyApproval, proposal.id).status == "rejected"
    assert db.session.scalar(sa.select(Decision.id).where(Decision.corrects_id == old.id)) is None
    assert db.session.get(Case, case.id).granted_amount == 10_000
    assert db.session.scalar(sa.select(CaseEvent.id).where(CaseEvent.action == "reject_correction"))


def test_an_inhabil_caseworker_cannot_approve_a_correction(world, factory):
    from app.models import ConflictDeclaration
    from app.services.cases.guard import NotAllowed
    case, old = _delegated(world, factory)
    proposal = decisions.correct_decision(old.id, world.caseworker, note="Fejl", reason="x", amount=9_000)
    db.session.add(ConflictDeclaration(case_id=case.id, user_id=world.admin.id, reason="Formand i klubben"))
    db.session.commit()
    with pytest.raises(NotAllowed) as refused:
        decisions.answer_correction(proposal.id, world.admin, approve=True)
    assert "inhabil" in str(refused.value.message)
    db.session.expire_all()
    assert db.session.get(MoneyApproval, proposal.id).status == "pending"
    assert db.session.get(Case, case.id).granted_amount == 10_000


def test_without_four_eyes_a_correction_takes_effect_at_once(client, auth, app, world, factory):
    app.config["FOUR_EYES"] = False
    case, old = _delegated(world, factory)
    auth.login("mette@kommune.dk")
    response = client.post(f"/udvalg/afgoerelser/{old.id}/ret",
                           data={"note": "Beløbet var skrevet forkert.", "amount": "8.000", "reason": "For højt"})
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.scalar(sa.select(Decision).where(Decision.corrects_id == old.id))
    assert new.amount == 8_000 and new.letter_document_id and new.letter_document_id != old.letter_document_id
    again = client.post(f"/udvalg/afgoerelser/{old.id}/ret", data={"note": "Igen", "reason": ""})
    assert again.status_code == 409


def test_admin_lists_notices_and_retries_a_failed_one(client, auth, world, closed):
    from app.models import OutboxMessage
    row = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "decision_notice"))
    row.status, row.last_error = "failed", "SMTPServerDisconnected: gone"
    db.session.commit()
    auth.login("anne@kommune.dk")
    body = client.get("/administration/beskeder/?status=failed").get_data(as_text=True)
    assert "Der er en afgørelse i jeres sag" in body and "SMTPServerDisconnected" in body
    assert world.association.contact_email in body
    assert client.post(f"/administration/beskeder/{row.id}/igen").status_code == 302
    db.session.expire_all()
    assert db.session.get(OutboxMessage, row.id).status == "delivered"  # eager in tests: sent at once
    assert "Der er en afgørelse" in client.get("/administration/beskeder/").get_data(as_text=True)


def test_an_inhabil_caseworker_cannot_put_the_case_on_an_agenda_or_take_it_off(client, auth, world):
    """Forvaltningsloven § 3 on the agenda: the declared conflict refuses both steps, nothing changes."""
    case = world.committee_case()
    other = world.committee_case(title="Nye bolde")
    meeting = world.meeting()
    declare_conflict(case.id, world.caseworker, "Min søn spiller i klubben")
    auth.login("mette@kommune.dk")
    body = client.post(f"/udvalg/moeder/{meeting.id}/dagsorden", data={"sager": [str(other.id), str(case.id)]},
                       follow_redirects=True).get_data(as_text=True)
    assert "inhabil i sag" in body and case.number in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AgendaItem)) == 0
    meetings_service.add_to_agenda(meeting.id, [case.id], world.admin)  # someone else puts it there
    item = db.session.scalar(sa.select(AgendaItem))
    body = client.post(f"/udvalg/moeder/{meeting.id}/dagsorden/{item.id}/fjern", follow_redirects=True).get_data(
        as_text=True)
    assert "inhabil i sag" in body and "kan ikke behandle den" in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AgendaItem)) == 1


def test_hostile_names_print_as_written_in_the_minutes_and_the_letter(client, auth, world):
    """Issue 18, item 7, over HTTP: an association and a pool named with reportlab markup reach the minutes
    and the decision letter as text (no <img> opens a local file, no <script> stops the job)."""
    import io

    from pypdf import PdfReader

    hostile = 'Klub <img src="/etc/hostname"/> & <script>x</script>'
    world.association.name = hostile
    world.pool.name = "Pulje <b>fed</b> <font size=40>"
    db.session.commit()
    case = world.committee_case()
    meeting = world.meeting([case])
    world.decide(meeting, case, "grant", comment='<para>Bemærkning</para> & <a href="file:///etc/passwd">x</a>')
    auth.login("lise@kommune.dk")
    assert client.post(f"/udvalg/moeder/{meeting.id}/afslut").status_code == 302
    minutes = client.get(f"/udvalg/moeder/{meeting.id}/protokol")
    assert minutes.status_code == 200 and minutes.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(minutes.data)).pages)
    flat = " ".join(text.split())
    assert '<img src="/etc/hostname"/>' in flat and "<script>x</script>" in flat and "<b>fed</b>" in flat
    assert "<para>Bemærkning</para>" in flat
    letter_id = db.session.scalar(sa.select(Decision.letter_document_id).where(Decision.case_id == case.id))
    auth.logout()
    auth.login("karen@example.dk")
    letter = client.get(f"/forening/dokumenter/{letter_id}")
    assert letter.status_code == 200, letter.status_code
    letter_text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.data)).pages).split())
    assert "<b>fed</b>" in letter_text


def test_the_reason_is_not_called_optional_where_the_law_requires_it(client, auth, world):
    """A refusal or partial grant must be reasoned: the label says when, not '(valgfri)'."""
    case = world.committee_case()
    meeting = world.meeting([case])
    item = db.session.scalar(sa.select(AgendaItem))
    auth.login("ahmed@kommune.dk")
    body = client.get(f"/udvalg/moeder/{meeting.id}").get_data(as_text=True)
    label = re.search(rf'<label class="form-label" for="punkt{item.id}-reason">(.*?)</label>', body, re.S).group(1)
    assert "skal udfyldes ved afslag og delvis bevilling" in label and "valgfri" not in label
    amount = re.search(rf'<label class="form-label" for="punkt{item.id}-amount">(.*?)</label>', body, re.S).group(1)
    assert "valgfri" not in amount
    comment = re.search(rf'<label class="form-label" for="punkt{item.id}-comment">(.*?)</label>', body, re.S).group(1)
    assert "valgfri" in comment  # the remark to the minutes is optional

"""Meeting pages through the real views: access, recording decisions, inhabil, closing, minutes, letters."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AgendaItem, Case, Decision, Meeting
from app.services import decisions
from app.services.assessment import declare_conflict

ROUTES = [
    ("GET", "/udvalg/moeder"), ("POST", "/udvalg/moeder"), ("GET", "/udvalg/moeder/{m}"),
    ("POST", "/udvalg/moeder/{m}/dagsorden"), ("POST", "/udvalg/moeder/{m}/dagsorden/{i}/fjern"),
    ("POST", "/udvalg/moeder/{m}/punkter/{i}"), ("POST", "/udvalg/moeder/{m}/punkter/{i}/inhabil"),
    ("POST", "/udvalg/moeder/{m}/afslut"), ("GET", "/udvalg/moeder/{m}/protokol"),
    ("GET", "/udvalg/sager/{c}/afgoerelser"), ("GET", "/udvalg/afgoerelser/{d}/ret"),
    ("POST", "/udvalg/afgoerelser/{d}/ret"), ("GET", "/administration/beskeder/"),
    ("POST", "/administration/beskeder/{o}/igen"),
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
    return {"m": meeting.id, "i": item.id, "c": case.id, "d": decision.id, "o": 1}


def _call(client, method, path, ids):
    url = path.format(**ids)
    return client.get(url) if method == "GET" else client.post(url, data={})


def test_every_route_is_listed_here(app):
    rules = {r.rule for r in app.url_map.iter_rules() if r.endpoint.split(".")[0] in ("committee", "notices_admin")}
    listed = {p.replace("{m}", "<int:meeting_id>").replace("{i}", "<int:item_id>").replace("{c}", "<int:case_id>")
              .replace("{d}", "<int:decision_id>").replace("{o}", "<int:message_id>") for _, p in ROUTES}
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
    assert bad.status_code == 400 and "Skriv en gyldig dato" in bad.get_data(as_text=True)
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


def test_caseworker_corrects_a_decision_with_a_new_letter(client, auth, world, closed):
    meeting, case = closed
    old = db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id))
    auth.login("mette@kommune.dk")
    assert "Ret afgørelse" in client.get(f"/udvalg/sager/{case.id}/afgoerelser").get_data(as_text=True)
    bad = client.post(f"/udvalg/afgoerelser/{old.id}/ret", data={"note": "", "amount": "35.000"})
    assert bad.status_code == 400 and "Skriv, hvad der er rettet" in bad.get_data(as_text=True)
    response = client.post(f"/udvalg/afgoerelser/{old.id}/ret",
                           data={"note": "Beløbet var skrevet forkert.", "amount": "35.000", "reason": ""})
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.scalar(sa.select(Decision).where(Decision.corrects_id == old.id))
    assert new.amount == 35_000 and new.letter_document_id and new.letter_document_id != old.letter_document_id
    assert db.session.get(Case, case.id).granted_amount == 35_000
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

"""Caseworkers put committee cases on a meeting's agenda in bulk, straight from the queue."""
from app.extensions import db
from app.models import AgendaItem


def _post(client, meeting_id, cases):
    return client.post("/sagsbehandling/?tilstand=committee",
                       data={"handling": "dagsorden", "moede": meeting_id,
                             "sager": [f"{c.id}:{c.version}" for c in cases]})


def test_bulk_add_from_queue(client, auth, world):
    cases = [world.committee_case(title=f"Sag {n}") for n in range(3)]
    meeting = world.meeting()
    auth.login("mette@kommune.dk")
    body = client.get("/sagsbehandling/").get_data(as_text=True)
    assert 'value="dagsorden"' in body and "Ordinært møde" in body
    resp = _post(client, meeting.id, cases)
    assert resp.status_code == 302
    on_agenda = set(db.session.scalars(db.select(AgendaItem.case_id).where(AgendaItem.meeting_id == meeting.id)))
    assert on_agenda == {c.id for c in cases}


def test_bulk_add_is_all_or_nothing(client, auth, world):
    waiting = world.committee_case(title="Venter")
    meeting = world.meeting(cases=[waiting])
    other = world.committee_case(title="Ny")
    auth.login("mette@kommune.dk")
    resp = _post(client, meeting.id, [waiting, other])  # `waiting` is already on the agenda
    assert resp.status_code == 400 and "Intet er gemt" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(AgendaItem)
                             .where(AgendaItem.case_id == other.id)) == 0


def test_bulk_add_needs_a_meeting_and_cases(client, auth, world):
    auth.login("mette@kommune.dk")
    resp = client.post("/sagsbehandling/", data={"handling": "dagsorden", "moede": "x"})
    assert resp.status_code == 400 and "Vælg et møde" in resp.get_data(as_text=True)

"""The issue's 'done when', tried as a new user would on the demo data."""
from datetime import timedelta

import sqlalchemy as sa
from icalendar import Calendar

from app import clock
from app.extensions import db
from app.models import AllocationRound, Booking, Case, Space


def _tuesday(weeks_ahead):
    today = clock.today()
    return today + timedelta(days=(1 - today.weekday()) % 7 + 7 * weeks_ahead)


def _as(client, auth, email):
    auth.logout()
    auth.login(email)


def test_from_finding_a_hall_to_a_published_season(app, client, auth):
    from app.demo import seed
    seed()
    hall = db.session.scalar(sa.select(Space).where(Space.name == "Store hal"))
    assert "Store hal" in client.get("/lokaler/").get_data(as_text=True)

    # The association asks for every Tuesday evening; two collide; it takes the rest.
    _as(client, auth, "forening@demo.dk")
    first = _tuesday(1)
    form = {"association_id": _club_id(), "purpose": "Fodbold for U13",
            "participants": "24", "age_group": "children_youth", "first_day": first.isoformat(), "start_time": "18:00",
            "end_time": "20:00", "recurrence": "weekly", "until": (first + timedelta(weeks=5)).isoformat()}
    body = client.post(f"/lokaler/{hall.id}/anmod", data=form).get_data(as_text=True)
    assert "2 af datoerne er optaget eller lukket" in body and "4 datoer er ledige" in body
    assert client.post(f"/lokaler/{hall.id}/anmod", data={**form, "take_free": "y"}).status_code == 302
    case = db.session.scalar(sa.select(Case).where(Case.title.like("Store hal: Fodbold%")))
    assert case.state == "requested"

    # It also wishes a weekly time in the open seasonal round.
    rnd = db.session.scalar(sa.select(AllocationRound).where(AllocationRound.status == "open",
                                                            AllocationRound.opens_on <= clock.today()))
    client.post(f"/lokaler/saesoner/{rnd.id}/{_club_id()}", data={
        "space_id": hall.id, "weekday": "1", "start_time": "17:00", "end_time": "19:00", "participants": "30",
        "age_group": "children_youth", "priority": "1"})
    client.post(f"/lokaler/saesoner/{rnd.id}/{_club_id()}/send")

    # The caseworker approves the request, then allocates the season and sends it to the committee.
    _as(client, auth, "sagsbehandler@demo.dk")
    client.post(f"/lokaler/sagsbehandling/{case.id}", data={"action": "approve", "version": case.version})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking).where(
        Booking.case_id == case.id, Booking.status == "confirmed")) == 4
    client.post(f"/lokaler/fordeling/{rnd.id}/fordel")
    body = client.get(f"/lokaler/fordeling/{rnd.id}").get_data(as_text=True)
    assert "Konflikt med:" in body and "Boldklubben Nordstjernen" in body
    client.post(f"/lokaler/fordeling/{rnd.id}/udvalg", data={"hearing": "1"})

    # The association subscribes to its feed.
    _as(client, auth, "forening@demo.dk")
    client.post(f"/lokaler/mine/kalender/{_club_id()}")
    body = client.get("/lokaler/mine").get_data(as_text=True)
    path = body.split("/lokaler/kalender/", 1)[1].split('"', 1)[0]
    events = list(Calendar.from_ical(client.get(f"/lokaler/kalender/{path}").data).walk("VEVENT"))
    assert len(events) == 4 and {str(e["summary"]) for e in events} == {"Store hal"}

    # The committee chair decides each association's allocation; the caseworker publishes.
    _as(client, auth, "formand.kfu@demo.dk")
    waiting = db.session.scalars(sa.select(Case).where(Case.state == "committee", Case.workflow == "premises_loan")).all()
    assert len(waiting) == 6  # five wishing associations in the demo's open round, and Nordstjernen
    for season_case in waiting:
        action = "approve" if _all_allocated(season_case) else "partly_approve"
        client.post(f"/sagsbehandling/sager/{season_case.id}/handling", data={
            "action": action, "version": season_case.version, "reason": "Tiden er fordelt efter lovens rækkefølge."})
    _as(client, auth, "sagsbehandler@demo.dk")
    body = client.post(f"/lokaler/fordeling/{rnd.id}/offentliggoer", follow_redirects=True).get_data(as_text=True)
    assert "Fordelingen er offentliggjort" in body
    assert db.session.get(AllocationRound, rnd.id).status == "published"


def _club_id():
    from app.models import Association
    return db.session.scalar(sa.select(Association.id).where(Association.name == "Boldklubben Nordstjernen"))


def _all_allocated(case):
    from app.models import AllocationWish
    return all(w.status == "allocated" for w in db.session.scalars(sa.select(AllocationWish).where(
        AllocationWish.case_id == case.id)))

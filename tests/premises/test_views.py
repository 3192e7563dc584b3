"""Premises pages: public calendar, request flow with collisions, access, bad input, staff and admin pages."""
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AllocationRound, Booking, BookingRequest, Case, Location, OpeningHours, Space
from app.services.premises import bookings
from app.services.cases import transitions
from app.services.premises.occupancy import insert_bookings
from tests.premises.helpers import next_weekday, slot


def _book(world, day, start="18:00", end="20:00", who="rivals", space="room"):
    insert_bookings(world[space], [slot(day, start, end)], title="Kor", association_id=world[who].id)
    db.session.commit()


def _request_data(world, **kw):
    first = next_weekday(1)
    data = {"association_id": world["club"].id, "purpose": "Bestyrelsesmøde", "participants": "10",
            "age_group": "adults", "first_day": first.isoformat(), "start_time": "18:00", "end_time": "20:00",
            "recurrence": "weekly", "until": (first + timedelta(weeks=5)).isoformat(), "exceptions": ""}
    data.update(kw)
    return data


@pytest.mark.parametrize("path", ["/lokaler/", "/lokaler/{room}", "/lokaler/{room}/uge", "/lokaler/{room}/maaned",
                                  "/lokaler/{hall}/uge?uge=2026-W44", "/lokaler/{hall}/maaned?maaned=2026-10",
                                  "/lokaler/{room}/uge?uge=nonsens", "/lokaler/?plads=50&niveaufri=1"])
def test_public_pages_without_login(client, world, path):
    resp = client.get(path.format(room=world["room"].id, hall=world["hall"].id))
    assert resp.status_code == 200 and 'href="/tilgaengelighed"' in resp.get_data(as_text=True)


def test_public_week_shows_taken_time_but_not_who(client, world):
    day = next_weekday(1)
    _book(world, day)
    body = client.get(f"/lokaler/{world['room'].id}/uge?uge={day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}").get_data(as_text=True)
    assert "18:00–20:00" in body and "Håndboldklubben" not in body
    assert "<caption>" in body and 'scope="row"' in body and 'rel="next"' in body and 'rel="prev"' in body


def test_association_sees_its_own_booking_named(client, auth, world):
    day = next_weekday(1)
    _book(world, day, who="club")
    auth.login("karen@example.dk")
    body = client.get(f"/lokaler/{world['room'].id}/uge?uge={day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}").get_data(as_text=True)
    assert "<strong>Boldklubben</strong>" in body


def test_booking_the_hall_shows_on_the_court_calendar(client, auth, world):
    day = next_weekday(2)
    _book(world, day, "10:00", "12:00", space="hall")
    auth.login("mette@kommune.dk")
    body = client.get(f"/lokaler/{world['courts'][0].id}/uge?uge={day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}").get_data(as_text=True)
    assert "10:00–12:00: Håndboldklubben (Hallen)" in body


def test_far_away_week_is_404_not_500(client, world):
    assert client.get(f"/lokaler/{world['room'].id}/uge?uge=0001-W01").status_code == 404
    assert client.get(f"/lokaler/{world['room'].id}/maaned?maaned=9999-01").status_code == 404


def test_hidden_space_is_404(client, world):
    world["room"].is_published = False
    db.session.commit()
    assert client.get(f"/lokaler/{world['room'].id}").status_code == 404


def test_request_form_needs_a_member(client, auth, world):
    assert client.get(f"/lokaler/{world['room'].id}/anmod").status_code == 302
    auth.login("mette@kommune.dk")
    assert client.get(f"/lokaler/{world['room'].id}/anmod").status_code == 403


def test_request_form_is_prefilled_from_the_calendar(client, auth, world):
    auth.login("karen@example.dk")
    body = client.get(f"/lokaler/{world['room'].id}/anmod?dato=2027-01-05&fra=18:00&til=xx").get_data(as_text=True)
    assert 'value="2027-01-05"' in body and 'value="18:00"' in body and 'value="xx"' not in body


def test_every_tuesday_with_two_collisions_then_take_the_rest(client, auth, world):
    data = _request_data(world)
    first = date.fromisoformat(data["first_day"])
    _book(world, first + timedelta(weeks=1), "19:00", "21:00")
    _book(world, first + timedelta(weeks=4), "17:00", "18:30")
    auth.login("karen@example.dk")
    body = client.post(f"/lokaler/{world['room'].id}/anmod", data=data).get_data(as_text=True)
    assert "2 af datoerne er optaget eller lukket" in body and "4 datoer er ledige" in body
    assert 'value="Bestyrelsesmøde"' in body  # nothing typed is lost
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
    resp = client.post(f"/lokaler/{world['room'].id}/anmod", data={**data, "take_free": "y"})
    assert resp.status_code == 302 and resp.location.endswith("/lokaler/mine")
    case = db.session.scalar(sa.select(Case))
    request = db.session.scalar(sa.select(BookingRequest))
    assert case.state == "requested" and len(request.slots) == 4


@pytest.mark.parametrize("change, message", [
    ({"end_time": "17:00"}, "Sluttidspunktet skal ligge efter starttidspunktet"),
    ({"start_time": "12:00", "end_time": "14:00"}, "uden for åbningstiden om tirsdage (16:00–22:00)"),
    ({"participants": "500"}, "Lokalet har plads til 20 personer"),
    ({"participants": "mange"}, "Skriv et helt tal"),
    ({"first_day": "6. oktober"}, "Skriv en dato som dd-mm-åååå"),
    ({"first_day": "31-02-2027"}, "Datoen findes ikke"),
    ({"start_time": "25:99"}, "Skriv et klokkeslæt som tt:mm"),
    ({"until": ""}, "Skriv, hvornår en gentagen booking skal slutte"),
    ({"exceptions": "i morgen"}, "Disse datoer kan ikke læses"),
    ({"purpose": ""}, "Skriv, hvad lokalet skal bruges til"),
    ({"association_id": "999999"}, "Not a valid choice"),
])
def test_bad_input_gets_a_danish_message_and_keeps_the_input(client, auth, world, change, message):
    auth.login("karen@example.dk")
    resp = client.post(f"/lokaler/{world['room'].id}/anmod", data=_request_data(world, **change))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'id="error-summary"' in body
    if message != "Not a valid choice":
        assert message in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_caseworker_approves_from_the_review_page(client, auth, world):
    case = bookings.request_booking(world["member"], bookings.RequestInput(
        space_id=world["room"].id, association_id=world["club"].id, purpose="Møde", participants=5,
        age_group="adults", first_day=next_weekday(1), start_time=time(18), end_time=time(19)))
    auth.login("mette@kommune.dk")
    assert "Møde" in client.get("/lokaler/sagsbehandling/").get_data(as_text=True)
    body = client.get(f"/lokaler/sagsbehandling/{case.id}").get_data(as_text=True)
    assert 'value="approve"' in body and 'value="reject"' not in body and "partshøring" in body.lower()
    client.post(f"/lokaler/sagsbehandling/{case.id}/partshoering", data={"version": case.version})
    body = client.get(f"/lokaler/sagsbehandling/{case.id}").get_data(as_text=True)
    assert 'value="partly_approve"' in body and 'value="reject"' in body
    case = db.session.get(Case, case.id)
    resp = client.post(f"/lokaler/sagsbehandling/{case.id}", data={"action": "approve", "version": case.version},
                       follow_redirects=True)
    assert "Afgørelsen er registreret" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 1


def test_stale_or_bad_review_post_is_a_message(client, auth, world):
    case = bookings.request_booking(world["member"], bookings.RequestInput(
        space_id=world["room"].id, association_id=world["club"].id, purpose="Møde", participants=5,
        age_group="adults", first_day=next_weekday(1), start_time=time(18), end_time=time(19)))
    auth.login("mette@kommune.dk")
    body = client.post(f"/lokaler/sagsbehandling/{case.id}", data={"action": "approve", "version": "x"},
                       follow_redirects=True).get_data(as_text=True)
    assert "ændret af en anden" in body
    body = client.post(f"/lokaler/sagsbehandling/{case.id}", data={"action": "reject", "version": case.version},
                       follow_redirects=True).get_data(as_text=True)
    assert "partshøring" in body.lower()
    assert db.session.get(Case, case.id).state == "requested"


def test_member_cannot_reach_staff_pages(client, auth, world):
    auth.login("karen@example.dk")
    for path in ("/lokaler/sagsbehandling/", "/lokaler/fordeling/", "/lokaler/admin/"):
        assert client.get(path).status_code == 403


def test_another_associations_booking_is_404(client, auth, world):
    day = next_weekday(1)
    _book(world, day, who="club")
    booking = db.session.scalar(sa.select(Booking))
    auth.login("ole@example.dk")
    assert client.post(f"/lokaler/mine/bookinger/{booking.id}/aflys").status_code == 404
    assert client.post(f"/lokaler/mine/kalender/{world['club'].id}").status_code == 404
    assert client.get(f"/lokaler/saesoner/1/{world['club'].id}").status_code == 404
    assert db.session.get(Booking, booking.id).status == "confirmed"


def test_my_bookings_cancel_and_feed(client, auth, world):
    _book(world, next_weekday(1, 2), who="club")
    auth.login("karen@example.dk")
    body = client.get("/lokaler/mine").get_data(as_text=True)
    assert "Mødelokale A" in body and "Lav en kalenderadresse" in body
    client.post(f"/lokaler/mine/kalender/{world['club'].id}")
    body = client.get("/lokaler/mine").get_data(as_text=True)
    assert "/lokaler/kalender/" in body and ".ics" in body
    booking = db.session.scalar(sa.select(Booking))
    resp = client.post(f"/lokaler/mine/bookinger/{booking.id}/aflys", follow_redirects=True)
    assert "Bookingen er aflyst" in resp.get_data(as_text=True)


def test_admin_builds_the_catalogue(client, auth, world):
    auth.login("admin@kommune.dk")
    resp = client.post("/lokaler/admin/steder/ny", data={"name": "Kulturhuset", "address": "Torvet 1",
                                                        "is_published": "y"})
    location = db.session.scalar(sa.select(Location).where(Location.name == "Kulturhuset"))
    assert resp.status_code == 302 and location is not None
    body = client.post("/lokaler/admin/steder/ny", data={"name": "Kulturhuset"}).get_data(as_text=True)
    assert "Der findes allerede et sted med det navn" in body
    resp = client.post(f"/lokaler/admin/steder/{location.id}/lokaler/ny", data={
        "name": "Salen", "parent_id": "0", "capacity": "120", "bookable_by": "informal", "cancel_deadline_hours": "48",
        "is_published": "y"})
    hall = db.session.scalar(sa.select(Space).where(Space.name == "Salen"))
    assert resp.status_code == 302 and hall.capacity == 120 and hall.cancel_deadline_hours == 48
    client.post(f"/lokaler/admin/steder/{location.id}/lokaler/ny", data={
        "name": "Scenen", "parent_id": str(hall.id), "bookable_by": "approved", "cancel_deadline_hours": "0"})
    stage = db.session.scalar(sa.select(Space).where(Space.name == "Scenen"))
    assert stage.parent_id == hall.id
    body = client.post(f"/lokaler/admin/lokaler/{hall.id}", data={
        "name": "Salen", "parent_id": str(stage.id), "bookable_by": "informal",
        "cancel_deadline_hours": "1"}).get_data(as_text=True)
    assert "kan ikke ligge inde i sig selv" in body
    resp = client.post(f"/lokaler/admin/lokaler/{hall.id}/aabningstider", data={"opens_1": "16:00", "closes_1": "22:00"})
    assert resp.status_code == 302
    assert [(h.weekday, str(h.opens)) for h in db.session.scalars(sa.select(OpeningHours).where(
        OpeningHours.space_id == hall.id))] == [(1, "16:00:00")]
    body = client.post(f"/lokaler/admin/lokaler/{hall.id}/aabningstider",
                       data={"opens_2": "22:00", "closes_2": "16:00"}).get_data(as_text=True)
    assert "lukketiden efter åbnetiden" in body
    body = client.post(f"/lokaler/admin/lokaler/{hall.id}/lukninger",
                       data={"starts_on": "2027-02-10", "ends_on": "2027-02-01", "reason": "Ferie"}).get_data(as_text=True)
    assert "Slutdatoen skal ligge efter startdatoen" in body
    client.post(f"/lokaler/admin/lokaler/{hall.id}/lukninger",
                data={"starts_on": "2027-02-08", "ends_on": "2027-02-12", "reason": "Vinterferie"})
    assert "Vinterferie" in client.get(f"/lokaler/{hall.id}").get_data(as_text=True)
    resp = client.post(f"/lokaler/admin/steder/{location.id}/udstyr/ny", data={"name": "Projektor", "quantity": "2",
                                                                             "is_published": "y"})
    assert resp.status_code == 302
    assert "Projektor" in client.get(f"/lokaler/{hall.id}").get_data(as_text=True)
    client.post(f"/lokaler/admin/lokaler/{hall.id}/kalender")
    assert "/lokaler/kalender/" in client.get(f"/lokaler/admin/lokaler/{hall.id}").get_data(as_text=True)


def test_caseworker_is_not_admin(client, auth, world):
    auth.login("mette@kommune.dk")
    assert client.get("/lokaler/admin/").status_code == 403
    assert client.post("/lokaler/admin/steder/ny", data={"name": "X"}).status_code == 403


def test_season_pages_from_wish_to_published(client, auth, world):
    auth.login("mette@kommune.dk")
    start = next_weekday(0, 4)
    client.post("/lokaler/fordeling/", data={
        "name": "Vintersæson", "opens_on": clock.today().isoformat(),
        "closes_on": (clock.today() + timedelta(days=7)).isoformat(), "season_start": start.isoformat(),
        "season_end": (start + timedelta(weeks=4, days=-1)).isoformat()})
    rnd = db.session.scalar(sa.select(AllocationRound))
    auth.logout()
    auth.login("karen@example.dk")
    wish_path = f"/lokaler/saesoner/{rnd.id}/{world['club'].id}"
    body = client.post(wish_path, data={"space_id": world["room"].id, "weekday": "1", "start_time": "18:00",
                                        "end_time": "17:00", "participants": "10", "age_group": "children_youth",
                                        "priority": "1"}).get_data(as_text=True)
    assert "Sluttidspunktet skal ligge efter starttidspunktet" in body
    client.post(wish_path, data={"space_id": world["room"].id, "weekday": "1", "start_time": "18:00",
                                 "end_time": "20:00", "participants": "10", "age_group": "children_youth",
                                 "priority": "1"})
    client.post(f"{wish_path}/send")
    auth.logout()
    auth.login("mette@kommune.dk")
    client.post(f"/lokaler/fordeling/{rnd.id}/fordel")
    body = client.get(f"/lokaler/fordeling/{rnd.id}").get_data(as_text=True)
    assert "Boldklubben" in body and "Tildelt" in body
    client.post(f"/lokaler/fordeling/{rnd.id}/udvalg", data={"hearing": "1"})
    [case] = db.session.scalars(sa.select(Case)).all()
    transitions.perform(case.id, "approve", world["chair"])
    resp = client.post(f"/lokaler/fordeling/{rnd.id}/offentliggoer", follow_redirects=True)
    assert "Fordelingen er offentliggjort" in resp.get_data(as_text=True)
    auth.logout()
    auth.login("karen@example.dk")
    assert "Tildelt 4 af 4 datoer" in client.get(wish_path).get_data(as_text=True)


ROLE_EMAILS = {"member": "karen@example.dk", "caseworker": "mette@kommune.dk", "administrator": "admin@kommune.dk",
               "committee_member": "chair@kommune.dk"}
# (path template, roles that may open it); every other role gets 403, anonymous users go to the log-in.
STAFF_AND_MEMBER_PAGES = [
    ("/lokaler/{room}/anmod", {"member"}),
    ("/lokaler/mine", {"member"}),
    ("/lokaler/saesoner", {"member"}),
    ("/lokaler/saesoner/{round}/{club}", {"member"}),
    ("/lokaler/sagsbehandling/", {"caseworker", "administrator"}),
    ("/lokaler/fordeling/", {"caseworker", "administrator"}),
    ("/lokaler/fordeling/{round}", {"caseworker", "administrator", "committee_member"}),
    ("/lokaler/admin/", {"administrator"}),
    ("/lokaler/admin/steder/ny", {"administrator"}),
    ("/lokaler/admin/steder/{centre}", {"administrator"}),
    ("/lokaler/admin/steder/{centre}/lokaler/ny", {"administrator"}),
    ("/lokaler/admin/lokaler/{hall}", {"administrator"}),
    ("/lokaler/admin/steder/{centre}/udstyr/ny", {"administrator"}),
]


@pytest.fixture
def season_round(world):
    from app.services.premises import allocation
    start = next_weekday(0, 4)
    return allocation.create_round("Vinter", clock.today(), clock.today() + timedelta(days=7), start,
                                   start + timedelta(weeks=4))


@pytest.mark.parametrize("role", [None, *ROLE_EMAILS])
@pytest.mark.parametrize("path, allowed", STAFF_AND_MEMBER_PAGES)
def test_access_matrix(client, auth, world, season_round, role, path, allowed):
    if role:
        auth.login(ROLE_EMAILS[role])
    url = path.format(room=world["room"].id, round=season_round.id, club=world["club"].id,
                      centre=world["centre"].id, hall=world["hall"].id)
    resp = client.get(url)
    if role is None:
        assert resp.status_code == 302 and "/konto/log-ind" in resp.location
    elif role in allowed:
        assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    else:
        assert resp.status_code == 403


def test_staff_cancel_needs_a_reason(client, auth, world):
    _book(world, next_weekday(1, 2), who="club")
    booking = db.session.scalar(sa.select(Booking))
    auth.login("mette@kommune.dk")
    body = client.post(f"/lokaler/sagsbehandling/bookinger/{booking.id}/aflys", data={"reason": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert "Skriv en begrundelse" in body and db.session.get(Booking, booking.id).status == "confirmed"
    client.post(f"/lokaler/sagsbehandling/bookinger/{booking.id}/aflys", data={"reason": "Valg"})
    assert db.session.get(Booking, booking.id).status == "cancelled"
    assert client.post("/lokaler/sagsbehandling/bookinger/999999/aflys", data={"reason": "x"}).status_code == 404


def test_my_bookings_link_to_the_danish_week_of_a_booking_just_after_midnight(client, auth, world):
    """00:30 on a Monday in Copenhagen is still Sunday in UTC: the link goes to the Monday's week."""
    monday = next_weekday(0, 2)
    _book(world, monday, "00:30", "01:30", who="club")
    auth.login("karen@example.dk")
    body = client.get("/lokaler/mine").get_data(as_text=True)
    year, week, _ = monday.isocalendar()
    assert f"uge={year}-W{week:02d}" in body, body


def test_lost_race_on_the_review_page_says_who_did_what(client, auth, world, factory):
    """Two caseworkers on one request: the slower one is told what the other did, and nothing is decided."""
    case = bookings.request_booking(world["member"], bookings.RequestInput(
        space_id=world["room"].id, association_id=world["club"].id, purpose="Møde", participants=5,
        age_group="adults", first_day=next_weekday(1), start_time=time(18), end_time=time(19)))
    colleague = factory.user("caseworker", email="lone@kommune.dk", name="Lone Lund")
    db.session.commit()
    auth.login("mette@kommune.dk")
    page = client.get(f"/lokaler/sagsbehandling/{case.id}").get_data(as_text=True)
    seen = int(page.split('name="seen" value="')[1].split('"')[0])
    version = db.session.get(Case, case.id).version
    bookings.confirm_hearing(case.id, colleague, version)  # the colleague acts first
    body = client.post(f"/lokaler/sagsbehandling/{case.id}", data={"action": "approve", "version": version, "seen": seen},
                       follow_redirects=True).get_data(as_text=True)
    assert "ændret af en anden" in body and "Lone Lund" in body and "Partshøring er gennemført" in body
    assert db.session.get(Case, case.id).state == case.state
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 0

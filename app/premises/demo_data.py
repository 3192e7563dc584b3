"""Demo premises for `flask seed-demo`: a sports centre with a hall of three courts, a school, bookings, a round.

The walkthrough: Karen (forening@demo.dk) asks for Store hal every Tuesday 18:00-20:00 for the next six
weeks; the first and third Tuesdays after next are taken (19:00-21:00), so she takes the other four.
"""
from __future__ import annotations

from datetime import date, time, timedelta

from app.extensions import db
from app.models import Association, Closure, Equipment, Location, OpeningHours, Space, User
from app.services.premises import allocation, bookings
from app.services.cases import transitions

WEEKDAYS_ONLY, EVERY_DAY = range(5), range(7)


def _hours(space: Space, days: range, opens: str, closes: str) -> None:
    for day in days:
        db.session.add(OpeningHours(space_id=space.id, weekday=day, opens=time.fromisoformat(opens),
                                    closes=time.fromisoformat(closes)))


def _space(location: Location, name: str, parent: Space | None = None, **kw) -> Space:
    space = Space(location_id=location.id, name=name, parent_id=parent.id if parent else None, **kw)
    db.session.add(space)
    db.session.flush()
    return space


def _next_christmas_closure(today: date) -> date:
    """The first day of the Christmas closure that is running or comes next (21 Dec to 3 Jan)."""
    year = today.year - 1 if today < date(today.year, 1, 4) else today.year
    return date(year, 12, 21)


def _catalogue(today: date) -> dict[str, Space]:
    centre = Location(name="Eksempelby Idrætscenter", address="Stadionvej 4, 9999 Eksempelby",
                      description="Idrætscenter med stor hal, omklædning og cafeteria.")
    school = Location(name="Nordskolen", address="Skolevej 10, 9999 Eksempelby",
                      description="Lokaler til møder og undervisning efter skoletid.")
    db.session.add_all([centre, school])
    db.session.flush()
    hall = _space(centre, "Store hal", capacity=300, step_free=True, disabled_suited=True, bookable_by="approved",
                  facilities="Håndboldmål, basketkurver, tribune med 200 pladser, omklædningsrum, handicaptoilet.",
                  rules_text="Indendørssko i hallen.\nRyd op efter jer, og sluk lyset.\nHallen kan deles i tre baner.",
                  cancel_deadline_hours=48, max_cancellations=3)
    spaces = {"hall": hall, **{f"court{n}": _space(centre, f"Bane {n}", hall, capacity=60, step_free=True,
                                                     disabled_suited=True, bookable_by="approved",
                                                     facilities="En tredjedel af hallen: badminton, volleyball.",
                                                     cancel_deadline_hours=48, max_cancellations=3)
                               for n in (1, 2, 3)}}
    spaces["room1"] = _space(school, "Mødelokale 1", capacity=20, step_free=True, bookable_by="informal",
                             facilities="Mødebord, whiteboard, skærm.", auto_approve=True, cancel_deadline_hours=24)
    spaces["room2"] = _space(school, "Mødelokale 2", capacity=12, bookable_by="associations",
                             facilities="Mødebord, tekøkken.", cancel_deadline_hours=24)
    _hours(hall, WEEKDAYS_ONLY, "08:00", "22:00")
    _hours(hall, range(5, 7), "09:00", "18:00")
    for key in ("room1", "room2"):
        _hours(spaces[key], WEEKDAYS_ONLY, "16:00", "22:00")
    db.session.add_all([
        Equipment(location_id=centre.id, name="Mobilt lydanlæg", description="Højttalere og trådløs mikrofon."),
        Equipment(location_id=centre.id, name="Gymnastikmåtter", quantity=20),
        Equipment(location_id=school.id, name="Projektor"),
        Equipment(location_id=school.id, name="Flipover", quantity=2)])
    christmas = _next_christmas_closure(today)
    for key in ("room1", "room2"):
        db.session.add(Closure(space_id=spaces[key].id, starts_on=christmas, ends_on=christmas + timedelta(days=13),
                               reason="Juleferie"))
    db.session.flush()  # part of the seed's one unit of work (app.demo runs it in transaction())
    return spaces


def _tuesday(today: date, weeks_ahead: int) -> date:
    return today + timedelta(days=(1 - today.weekday()) % 7 + 7 * weeks_ahead)


def _approved(space: Space, association: Association, member: User, caseworker: User, day: date, start: str,
              end: str, purpose: str, until: date | None = None) -> None:
    data = bookings.RequestInput(space_id=space.id, association_id=association.id, purpose=purpose, participants=min(20, space.capacity or 20),
                                 age_group="children_youth", first_day=day, start_time=time.fromisoformat(start),
                                 end_time=time.fromisoformat(end), recurrence="weekly" if until else "none",
                                 until=until, take_free=True)
    case = bookings.request_booking(member, data)
    if case.state_has("awaiting_caseworker"):  # not approved automatically
        transitions.perform(case.id, "approve", caseworker)


def _bookings(spaces: dict[str, Space], associations: list[Association], members: dict[int, User],
              caseworker: User, today: date) -> None:
    handball, badminton, gym, choir = associations[9], associations[11], associations[6], associations[7]
    # The two Tuesday evenings that collide with the walkthrough's request for Store hal.
    _approved(spaces["hall"], handball, members[handball.id], caseworker, _tuesday(today, 2), "19:00", "21:00", "Stævne")
    _approved(spaces["court2"], badminton, members[badminton.id], caseworker, _tuesday(today, 4), "19:00", "21:00",
              "Klubaften")
    _approved(spaces["court1"], gym, members[gym.id], caseworker, _tuesday(today, 1) - timedelta(days=1), "16:00", "18:00",
              "Springgymnastik for 7-9-årige", until=_tuesday(today, 6) - timedelta(days=1))
    _approved(spaces["room2"], choir, members[choir.id], caseworker, _tuesday(today, 1) + timedelta(days=2), "19:00",
              "21:00", "Korprøve", until=_tuesday(today, 3) + timedelta(days=2))


WISHES = [  # (association index, space key, weekday, start, end, age group, for disabled)
    (6, "hall", 0, "16:00", "18:00", "children_youth", False),
    (3, "court1", 0, "17:00", "19:00", "adults", False),
    (9, "hall", 2, "17:00", "19:00", "children_youth", False),
    (11, "court2", 2, "18:00", "20:00", "adults", False),
    (19, "court3", 4, "16:00", "17:30", "adults", True),
]
SCHOOL_WISHES = [  # the school's rooms, in a round that has closed and is being allocated
    (13, "room2", 3, "19:00", "21:00", "adult_education", False),
    (15, "room1", 3, "16:00", "18:00", "children_youth", False),
    (17, "room1", 1, "17:00", "19:00", "children_youth", False),
]


def _monday_after(day: date, weeks: int) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 + 7 * weeks)


def _wishes(rnd, rows, spaces: dict[str, Space], associations: list[Association], members: dict[int, User]) -> None:
    for index, key, weekday, start_at, end_at, age, disabled in rows:
        association = associations[index]
        allocation.add_wish(rnd, association, members[association.id], allocation.WishInput(
            space_id=spaces[key].id, weekday=weekday, start_time=time.fromisoformat(start_at),
            end_time=time.fromisoformat(end_at), participants=min(25, spaces[key].capacity or 25), age_group=age,
            for_disabled=disabled))
    for index in sorted({row[0] for row in rows}):
        allocation.submit_wishes(rnd, associations[index], members[associations[index].id])


def _rounds(spaces: dict[str, Space], associations: list[Association], members: dict[int, User], caseworker: User,
            line) -> None:
    """Three seasonal rounds: one closed and being allocated, one open for wishes, one that opens later."""
    day = line.day
    # Both seasons start in eight weeks: until then, the rooms and the hall are booked request by request.
    start = _monday_after(day(56), 0)
    with line.ago(45):
        school = allocation.create_round(f"Skolelokaler, sæson fra {start:%d.%m.%Y}", day(-40), day(-5), start,
                                         start + timedelta(weeks=12, days=-1))
    with line.ago(30, hour=20):
        _wishes(school, SCHOOL_WISHES, spaces, associations, members)
    with line.ago(2):
        allocation.allocate(school, caseworker)
    with line.ago(4):
        hall = allocation.create_round(f"Sæsonfordeling {start.year}", day(-3), day(21), start,
                                       start + timedelta(weeks=20, days=-1))
    _wishes(hall, WISHES, spaces, associations, members)
    later = _monday_after(day(200), 0)
    allocation.create_round(f"Sæsonfordeling {later.year}, haller", day(60), day(90), later,
                            later + timedelta(weeks=20, days=-1))


def seed_premises(associations: list[Association], members: dict[int, User], caseworker: User, line) -> None:
    """The premises part of the demo, dated from the seed's today."""
    with line.ago(250):
        spaces = _catalogue(line.seeded_on)
    _bookings(spaces, associations, members, caseworker, line.seeded_on)
    _rounds(spaces, associations, members, caseworker, line)

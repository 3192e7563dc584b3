"""Demo premises for `flask seed-demo`: a sports centre with a hall of three courts, a school, bookings, a round.

The walkthrough: Karen (forening@demo.dk) asks for Store hal every Tuesday 18:00-20:00 for the next six
weeks; the first and third Tuesdays after next are taken (19:00-21:00), so she takes the other four.
"""
from __future__ import annotations

from datetime import date, time, timedelta

from app.extensions import db
from app.models import Association, Closure, Equipment, Location, OpeningHours, Space, User
from app.services import allocation, bookings, transitions
from app.services.unit_of_work import commit

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


def _catalogue() -> dict[str, Space]:
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
    christmas = date(date.today().year, 12, 21)
    for key in ("room1", "room2"):
        db.session.add(Closure(space_id=spaces[key].id, starts_on=christmas, ends_on=christmas + timedelta(days=13),
                               reason="Juleferie"))
    commit()
    return spaces


def _tuesday(weeks_ahead: int) -> date:
    today = date.today()
    return today + timedelta(days=(1 - today.weekday()) % 7 + 7 * weeks_ahead)


def _approved(space: Space, association: Association, member: User, caseworker: User, day: date, start: str,
              end: str, purpose: str, until: date | None = None) -> None:
    data = bookings.RequestInput(space_id=space.id, association_id=association.id, purpose=purpose, participants=min(20, space.capacity or 20),
                                 age_group="children_youth", first_day=day, start_time=time.fromisoformat(start),
                                 end_time=time.fromisoformat(end), recurrence="weekly" if until else "none",
                                 until=until, take_free=True)
    case = bookings.request_booking(member, data)
    if case.state == "requested":
        transitions.perform(case.id, "approve", caseworker)


def _bookings(spaces: dict[str, Space], associations: list[Association], members: dict[int, User],
              caseworker: User) -> None:
    handball, badminton, gym, choir = associations[9], associations[11], associations[6], associations[7]
    # The two Tuesday evenings that collide with the walkthrough's request for Store hal.
    _approved(spaces["hall"], handball, members[handball.id], caseworker, _tuesday(2), "19:00", "21:00", "Stævne")
    _approved(spaces["court2"], badminton, members[badminton.id], caseworker, _tuesday(4), "19:00", "21:00",
              "Klubaften")
    _approved(spaces["court1"], gym, members[gym.id], caseworker, _tuesday(1) - timedelta(days=1), "16:00", "18:00",
              "Springgymnastik for 7-9-årige", until=_tuesday(6) - timedelta(days=1))
    _approved(spaces["room2"], choir, members[choir.id], caseworker, _tuesday(1) + timedelta(days=2), "19:00",
              "21:00", "Korprøve", until=_tuesday(3) + timedelta(days=2))


WISHES = [  # (association index, space key, weekday, start, end, age group, for disabled)
    (6, "hall", 0, "16:00", "18:00", "children_youth", False),
    (3, "court1", 0, "17:00", "19:00", "adults", False),
    (9, "hall", 2, "17:00", "19:00", "children_youth", False),
    (11, "court2", 2, "18:00", "20:00", "adults", False),
    (13, "room2", 3, "19:00", "21:00", "adult_education", False),
    (15, "room1", 3, "16:00", "18:00", "children_youth", False),
    (19, "court3", 4, "16:00", "17:30", "adults", True),
]


def _round(spaces: dict[str, Space], associations: list[Association], members: dict[int, User]) -> None:
    today = date.today()
    start = today + timedelta(days=(7 - today.weekday()) % 7 + 56)
    rnd = allocation.create_round(f"Sæsonfordeling {start.year}", today - timedelta(days=3), today + timedelta(days=21),
                                  start, start + timedelta(weeks=20, days=-1))
    senders = set()
    for index, key, weekday, start_at, end_at, age, disabled in WISHES:
        association = associations[index]
        allocation.add_wish(rnd, association, members[association.id], allocation.WishInput(
            space_id=spaces[key].id, weekday=weekday, start_time=time.fromisoformat(start_at),
            end_time=time.fromisoformat(end_at), participants=min(25, spaces[key].capacity or 25), age_group=age, for_disabled=disabled))
        senders.add(index)
    for index in sorted(senders):
        allocation.submit_wishes(rnd, associations[index], members[associations[index].id])


def seed_premises(associations: list[Association], members: dict[int, User], caseworker: User) -> None:
    """The premises part of the demo."""
    spaces = _catalogue()
    _bookings(spaces, associations, members, caseworker)
    _round(spaces, associations, members)

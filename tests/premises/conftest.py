"""A small municipality with premises: a sports centre (hall with three courts), a school, associations."""
from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.models import AssociationApproval


@pytest.fixture
def world(factory):
    member = factory.user(email="karen@example.dk")
    other = factory.user(email="ole@example.dk")
    caseworker = factory.user(role="caseworker", email="mette@kommune.dk")
    admin = factory.user(role="administrator", email="admin@kommune.dk")
    chair = factory.user(role="committee_member", email="chair@kommune.dk")
    committee = factory.committee(chair=chair)
    pool = factory.pool(committee=committee, workflow="premises_loan", budget=0, is_rolling=True, deadline=None,
                        year=date.today().year, name="Lån af lokaler og haller")
    club = factory.association(name="Boldklubben", members=(member,))
    rivals = factory.association(name="Håndboldklubben", members=(other,))
    for a in (club, rivals):
        for year in (date.today().year, date.today().year + 1):
            db.session.add(AssociationApproval(association_id=a.id, year=year))
    centre = factory.premises_location("Idrætscentret")
    hall = factory.premises_space(centre, "Hallen", capacity=200)
    courts = [factory.premises_space(centre, f"Bane {n}", parent=hall, hours=None, capacity=60) for n in (1, 2, 3)]
    school = factory.premises_location("Skolen")
    room = factory.premises_space(school, "Mødelokale A", capacity=20, hours=("16:00", "22:00"))
    db.session.commit()
    return {"member": member, "other": other, "caseworker": caseworker, "admin": admin, "chair": chair,
            "pool": pool, "club": club, "rivals": rivals, "hall": hall, "courts": courts, "room": room,
            "centre": centre, "school": school}

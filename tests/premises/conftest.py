"""A small municipality with premises: a sports centre (hall with three courts), a school, associations."""
from __future__ import annotations

import pytest

from app import clock
from app.extensions import db
from tests.factories import (AdministratorFactory, AssociationApprovalFactory, AssociationFactory, CaseworkerFactory,
                             CommitteeFactory, CommitteeUserFactory, LocationFactory, PoolFactory, SpaceFactory,
                             UserFactory)


@pytest.fixture
def world(app):
    member = UserFactory(email="karen@example.dk")
    other = UserFactory(email="ole@example.dk")
    caseworker = CaseworkerFactory(email="mette@kommune.dk")
    admin = AdministratorFactory(email="admin@kommune.dk")
    chair = CommitteeUserFactory(email="chair@kommune.dk")
    committee = CommitteeFactory(chair=chair)
    pool = PoolFactory(committee=committee, workflow="premises_loan", budget=0, is_rolling=True, deadline=None,
                       year=clock.today().year, name="Lån af lokaler og haller")
    club = AssociationFactory(name="Boldklubben", members=(member,))
    rivals = AssociationFactory(name="Håndboldklubben", members=(other,))
    for a in (club, rivals):
        for year in (clock.today().year, clock.today().year + 1):
            AssociationApprovalFactory(association=a, year=year)
    centre = LocationFactory(name="Idrætscentret")
    hall = SpaceFactory(location=centre, name="Hallen", capacity=200)
    courts = [SpaceFactory(location=centre, name=f"Bane {n}", parent=hall, hours=(), capacity=60) for n in (1, 2, 3)]
    school = LocationFactory(name="Skolen")
    room = SpaceFactory(location=school, name="Mødelokale A", capacity=20, hours=("16:00", "22:00"))
    db.session.commit()
    return {"member": member, "other": other, "caseworker": caseworker, "admin": admin, "chair": chair,
            "pool": pool, "club": club, "rivals": rivals, "hall": hall, "courts": courts, "room": room,
            "centre": centre, "school": school}

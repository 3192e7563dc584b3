"""Small builders for test rows. They add and flush; the test (or a service) commits."""
from __future__ import annotations

import itertools
from datetime import date

from app.extensions import db
from app.models import Association, Committee, CommitteeMember, Membership, Pool, PoolCriterion, User
from app.services.passwords import hash_password

PASSWORD = "demo-adgangskode"
_seq = itertools.count(1)
VALID_CVRS = ["12345674", "29403473", "10103940", "25063783", "30060946", "21659509", "16480894"]


def user(role: str = "member", email: str | None = None, name: str = "Test Person", **kw) -> User:
    n = next(_seq)
    u = User(email=email or f"user{n}@example.dk", full_name=name, role=role,
             password_hash=hash_password(kw.pop("password", PASSWORD)), **kw)
    db.session.add(u)
    db.session.flush()
    return u


def association(cvr: str | None = None, name: str | None = None, members: tuple = (), **kw) -> Association:
    n = next(_seq)
    a = Association(name=name or f"Forening {n}", cvr=cvr or VALID_CVRS[n % len(VALID_CVRS)],
                    contact_email=f"forening{n}@example.dk", **kw)
    db.session.add(a)
    db.session.flush()
    for i, member in enumerate(members):
        db.session.add(Membership(user_id=member.id, association_id=a.id, role="chair" if i == 0 else "member"))
    db.session.flush()
    return a


def committee(name: str | None = None, members: tuple = (), chair: User | None = None) -> Committee:
    c = Committee(name=name or f"Udvalg {next(_seq)}")
    db.session.add(c)
    db.session.flush()
    for m in members:
        db.session.add(CommitteeMember(committee_id=c.id, user_id=m.id, is_chair=False))
    if chair is not None:
        db.session.add(CommitteeMember(committee_id=c.id, user_id=chair.id, is_chair=True))
    db.session.flush()
    return c


def pool(committee: Committee | None = None, workflow: str = "subsidy", **kw) -> Pool:
    n = next(_seq)
    committee = committee or globals()["committee"]()
    defaults = dict(slug=f"pulje-{n}", name=f"Pulje {n}", purpose="Støtte til foreninger", workflow=workflow,
                    year=2026, budget=500_000, opens_on=date(2026, 1, 1), deadline=date(2026, 12, 31),
                    delegation_limit=25_000, fast_track_limit=10_000, is_published=True)
    defaults.update(kw)
    p = Pool(committee_id=committee.id, **defaults)
    db.session.add(p)
    db.session.flush()
    for i, (name, weight) in enumerate((("Samspil", 2), ("Synlighed", 1))):
        db.session.add(PoolCriterion(pool_id=p.id, position=i, name=name, weight=weight))
    db.session.flush()
    return p

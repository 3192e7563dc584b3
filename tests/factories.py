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


def document(case=None, association=None, kind: str = "attachment", direction: str = "in",
             data: bytes = b"%PDF-1.4\n% test\n", content_type: str = "application/pdf",
             filename: str = "bilag.pdf", uploaded_by: User | None = None):
    """A Document whose bytes are really stored (UPLOAD_FOLDER is per test)."""
    from app.models import Document
    from app.services import files
    key, sha = files.store_bytes(data)
    d = Document(case_id=case.id if case else None, association_id=association.id if association else None,
                 kind=kind, direction=direction, filename=filename, content_type=content_type,
                 size_bytes=len(data), sha256=sha, storage_key=key,
                 uploaded_by_id=uploaded_by.id if uploaded_by else None)
    db.session.add(d)
    db.session.flush()
    return d


def premises_location(name: str | None = None, **kw):
    """A place that lends spaces (a school, a sports centre)."""
    from app.models import Location
    loc = Location(name=name or f"Sted {next(_seq)}", address=kw.pop("address", "Idrætsvej 1, 9999 Eksempelby"), **kw)
    db.session.add(loc)
    db.session.flush()
    return loc


def premises_space(location, name: str | None = None, parent=None, hours=("06:00", "23:00"), **kw):
    """A bookable space open every day (hours=None: no hours of its own, it follows its parent)."""
    from datetime import time as _time
    from app.models import OpeningHours, Space
    kw.setdefault("bookable_by", "associations")
    s = Space(location_id=location.id, name=name or f"Lokale {next(_seq)}", parent_id=parent.id if parent else None,
              capacity=kw.pop("capacity", 40), **kw)
    db.session.add(s)
    db.session.flush()
    if hours:
        opens, closes = (_time.fromisoformat(h) for h in hours)
        db.session.add_all([OpeningHours(space_id=s.id, weekday=d, opens=opens, closes=closes) for d in range(7)])
        db.session.flush()
    return s


def form_version(pool, steps=None, published: bool = True):
    """A form version of `pool`. steps: [(title, [dict(key=, label=, kind=, required=, choices=, ...)])]."""
    from app.models import FormField, FormStep, FormVersion
    from app.models.base import utcnow
    steps = steps or [("Om aktiviteten", [dict(key="beskrivelse", label="Beskriv aktiviteten", kind="long_text",
                                               required=True)])]
    last = db.session.scalar(db.select(db.func.max(FormVersion.number)).where(FormVersion.pool_id == pool.id)) or 0
    v = FormVersion(pool_id=pool.id, status="published" if published else "draft",
                    number=last + 1 if published else None, published_at=utcnow() if published else None)
    db.session.add(v)
    for i, (title, fields) in enumerate(steps):
        step = FormStep(position=i, title=title, intro="")
        v.steps.append(step)
        for j, f in enumerate(fields):
            step.fields.append(FormField(version=v, position=j, **{"required": False, "help_text": "", "choices": [], **f}))
    db.session.flush()
    return v


def decided_case(pool, association, applicant, caseworker, amount: int = 10_000, title: str = "Sommerlejr",
                 decision: str = "decide_grant"):
    """A case submitted by `applicant` and decided by `caseworker` within the delegation limit."""
    from app.models import Case
    from app.services import cases as case_service
    from app.services import transitions
    case = case_service.create_draft(pool, association, applicant, title, amount, {"description": title})
    transitions.perform(case.id, "submit", applicant)
    for action in ("start_screening", "start_assessment"):
        transitions.perform(case.id, action, caseworker)
    row = db.session.get(Case, case.id)
    row.recommended_amount = amount
    db.session.commit()
    transitions.perform(case.id, "recommend", caseworker)
    if decision != "decide_grant":
        row = db.session.get(Case, case.id)
        row.hearing_confirmed = True
        db.session.commit()
    transitions.perform(case.id, decision, caseworker, given=transitions.ActionInput(
        reason=None if decision == "decide_grant" else "Budgettet er brugt.", amount=amount))
    db.session.expire_all()
    return db.session.get(Case, case.id)

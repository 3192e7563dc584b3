"""factory_boy factories for the rows tests build. They add and flush; the test (or a service) commits.

One factory per model (and one per user role), as cookiecutter-flask does. The lower-case functions at the
bottom are the older helpers that many tests call through the `factory` fixture; they are thin wrappers now.
Cases that must have gone through the workflow are made by the services (`decided_case`), never by hand.
"""
from __future__ import annotations

import itertools
from datetime import date, time

import factory
from factory.alchemy import SQLAlchemyModelFactory

from app import clock
from app.extensions import db
from app.models import (Association, AssociationApproval, Case, Closure, Committee, CommitteeMember, Document,
                        FormField, FormStep, FormVersion, LegalBasis, Location, Membership, OpeningHours, Pool,
                        PoolCriterion, Space, User)
from app.services.accounts.passwords import hash_password
from app.validators import CVR_WEIGHTS

PASSWORD = "demo-adgangskode"
_cvr_bases = itertools.count(8_000_000)


def fresh_cvr() -> str:
    """A valid CVR number no other call returns and no test types in: 8xxxxxxx, check digit by modulus 11.

    CVR is unique in the database, so a default must never repeat nor hit a number a test gives
    explicitly (12345674, 29403473, 25063783, ...)."""
    while True:
        base = str(next(_cvr_bases))
        check = -sum(int(d) * w for d, w in zip(base, CVR_WEIGHTS)) % 11
        if check < 10:
            return base + str(check)


class BaseFactory(SQLAlchemyModelFactory):
    """Rows go into the app's session and are flushed, so they have ids; committing is the test's business."""

    class Meta:
        abstract = True
        sqlalchemy_session = db.session  # the scoped session: the current app context's session
        sqlalchemy_session_persistence = "flush"


# People ---------------------------------------------------------------------------------------------------------

class UserFactory(BaseFactory):
    """A board member of an association (role "member"); the role factories below share its e-mail sequence."""

    class Meta:
        model = User

    class Params:
        password = PASSWORD

    email = factory.Sequence(lambda n: f"user{n}@example.dk")
    full_name = "Test Person"
    role = "member"
    password_hash = factory.LazyAttribute(lambda o: hash_password(o.password))
    # A confirmed address: a password alone does not log in to an address never confirmed.
    email_confirmed_at = factory.LazyFunction(clock.now)


class CaseworkerFactory(UserFactory):
    role = "caseworker"


class AdministratorFactory(UserFactory):
    role = "administrator"


class CommitteeUserFactory(UserFactory):
    """A user whose role is committee member (seat them with CommitteeFactory(members=...) or chair=...)."""

    role = "committee_member"


# Associations ---------------------------------------------------------------------------------------------------

class AssociationFactory(BaseFactory):
    """An association with a CVR number; members=(chair, other, ...) seats its board, the first as chair."""

    class Meta:
        model = Association

    name = factory.Sequence(lambda n: f"Forening {n}")
    cvr = factory.LazyFunction(fresh_cvr)
    contact_email = factory.Sequence(lambda n: f"forening{n}@example.dk")

    @factory.post_generation
    def members(association, create, extracted, **kwargs):
        for i, user in enumerate(extracted or ()):
            MembershipFactory(association=association, user=user, role="chair" if i == 0 else "member")


class InformalGroupFactory(AssociationFactory):
    """A group without a CVR number that applies through a named contact person."""

    cvr = None
    is_informal = True
    contact_person = "Kontaktperson"


class MembershipFactory(BaseFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    association = factory.SubFactory(AssociationFactory)
    role = "member"


class AssociationApprovalFactory(BaseFactory):
    """The municipality's approval of an association (folkeoplysende forening) for one year."""

    class Meta:
        model = AssociationApproval

    association = factory.SubFactory(AssociationFactory)
    year = factory.LazyFunction(lambda: clock.today().year)


# Committees and pools -------------------------------------------------------------------------------------------

class CommitteeFactory(BaseFactory):
    """A committee; members=(...) seats ordinary members, chair=user seats its chair."""

    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"Udvalg {n}")

    @factory.post_generation
    def members(committee, create, extracted, **kwargs):
        for user in extracted or ():
            CommitteeMemberFactory(committee=committee, user=user, is_chair=False)

    @factory.post_generation
    def chair(committee, create, extracted, **kwargs):
        if extracted is not None:
            CommitteeMemberFactory(committee=committee, user=extracted, is_chair=True)


class CommitteeMemberFactory(BaseFactory):
    """A seat on a committee."""

    class Meta:
        model = CommitteeMember

    committee = factory.SubFactory(CommitteeFactory)
    user = factory.SubFactory(CommitteeUserFactory)
    is_chair = False


DEFAULT_CRITERIA = (("Samspil", 2), ("Synlighed", 1))


class LegalBasisFactory(BaseFactory):
    """An entry of the library of legal bases (the migration's seed has codes of its own)."""

    class Meta:
        model = LegalBasis

    code = factory.Sequence(lambda n: f"test-{n}")
    name = factory.Sequence(lambda n: f"testlovens § {n}")
    appeal_text = "I kan klage til kommunen inden 4 uger efter, at I har modtaget afgørelsen."


class PoolFactory(BaseFactory):
    """A published subsidy pool for 2026 with two weighted criteria (criteria=[(name, weight), ...] to change)."""

    class Meta:
        model = Pool

    committee = factory.SubFactory(CommitteeFactory)
    slug = factory.Sequence(lambda n: f"pulje-{n}")
    name = factory.Sequence(lambda n: f"Pulje {n}")
    purpose = "Støtte til foreninger"
    workflow = "subsidy"
    year = 2026
    budget = 500_000
    opens_on = date(2026, 1, 1)
    deadline = date(2026, 12, 31)
    delegation_limit = 25_000
    fast_track_limit = 10_000
    is_published = True

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        """legal_basis= and appeal_text= become one entry of the library (the pool's basis), as the
        administrator would choose it; neither: no basis, decisions carry the default guidance."""
        name, appeal = kwargs.pop("legal_basis", None), kwargs.pop("appeal_text", None)
        if name is not None or appeal is not None:
            kwargs["basis"] = LegalBasisFactory(name=name or "folkeoplysningslovens § 19",
                                                appeal_text=appeal or "I kan klage til kommunen inden 4 uger.")
        return kwargs

    @factory.post_generation
    def criteria(pool, create, extracted, **kwargs):
        for i, (name, weight) in enumerate(DEFAULT_CRITERIA if extracted is None else extracted):
            PoolCriterionFactory(pool=pool, position=i, name=name, weight=weight)


class PoolCriterionFactory(BaseFactory):
    class Meta:
        model = PoolCriterion

    pool = factory.SubFactory(PoolFactory, criteria=())
    position = 0
    name = "Samspil"
    weight = 1


class FormVersionFactory(BaseFactory):
    """A version of a pool's form; steps=[(title, [dict(key=, label=, kind=, required=, ...)])]."""

    class Meta:
        model = FormVersion

    class Params:
        published = True

    pool = factory.SubFactory(PoolFactory)
    status = factory.LazyAttribute(lambda o: "published" if o.published else "draft")
    number = factory.LazyAttribute(lambda o: _next_version_number(o.pool) if o.published else None)
    published_at = factory.LazyAttribute(lambda o: clock.now() if o.published else None)

    @factory.post_generation
    def steps(version, create, extracted, **kwargs):
        default = [("Om aktiviteten", [dict(key="beskrivelse", label="Beskriv aktiviteten", kind="long_text",
                                            required=True)])]
        for i, (title, fields) in enumerate(extracted or default):
            step = FormStep(position=i, title=title, intro="")
            version.steps.append(step)
            for j, f in enumerate(fields):
                step.fields.append(FormField(version=version, position=j,
                                             **{"required": False, "help_text": "", "choices": [], **f}))
        db.session.flush()


def _next_version_number(pool: Pool) -> int:
    last = db.session.scalar(db.select(db.func.max(FormVersion.number)).where(FormVersion.pool_id == pool.id))
    return (last or 0) + 1


# Cases and files ------------------------------------------------------------------------------------------------

class CaseFactory(BaseFactory):
    """A case row in whatever state it is given, for reading code (indicators, lists). Cases that must have
    been through the workflow are made by the services instead (see decided_case)."""

    class Meta:
        model = Case

    pool = factory.SubFactory(PoolFactory)
    association = factory.SubFactory(AssociationFactory)
    workflow = factory.LazyAttribute(lambda o: o.pool.workflow)
    state = "draft"
    title = factory.Sequence(lambda n: f"Sag {n}")


class DocumentFactory(BaseFactory):
    """A Document whose bytes are really stored (UPLOAD_FOLDER is per test)."""

    class Meta:
        model = Document

    class Params:
        data = b"%PDF-1.4\n% test\n"
        stored = factory.LazyAttribute(lambda o: _store(o.data))  # (storage key, sha256), stored once

    case = None
    association = None
    kind = "attachment"
    direction = "in"
    filename = "bilag.pdf"
    content_type = "application/pdf"
    size_bytes = factory.LazyAttribute(lambda o: len(o.data))
    storage_key = factory.LazyAttribute(lambda o: o.stored[0])
    sha256 = factory.LazyAttribute(lambda o: o.stored[1])
    uploaded_by = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Document has ids, not relationships, for these three.
        for name in ("case", "association", "uploaded_by"):
            row = kwargs.pop(name)
            kwargs[f"{name}_id"] = row.id if row is not None else None
        return super()._create(model_class, *args, **kwargs)


def _store(data: bytes) -> tuple[str, str]:
    from app.services.files import storage
    return storage.store_bytes(data)


# Premises -------------------------------------------------------------------------------------------------------

class LocationFactory(BaseFactory):
    """A place that lends spaces (a school, a sports centre)."""

    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Sted {n}")
    address = "Idrætsvej 1, 9999 Eksempelby"


class SpaceFactory(BaseFactory):
    """A space associations may book, open every day 06-23 (hours=("16:00", "22:00") to change; hours=(): none
    of its own, it follows its parent's)."""

    class Meta:
        model = Space

    location = factory.SubFactory(LocationFactory)
    parent = None
    name = factory.Sequence(lambda n: f"Lokale {n}")
    capacity = 40
    bookable_by = "associations"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Space has ids, not relationships, for its location and parent.
        location, parent = kwargs.pop("location"), kwargs.pop("parent")
        return super()._create(model_class, *args, location_id=location.id,
                               parent_id=parent.id if parent else None, **kwargs)

    @factory.post_generation
    def hours(space, create, extracted, **kwargs):
        hours = ("06:00", "23:00") if extracted is None else extracted
        if hours:
            opens, closes = (time.fromisoformat(h) for h in hours)
            for weekday in range(7):
                OpeningHoursFactory(space_id=space.id, weekday=weekday, opens=opens, closes=closes)


class OpeningHoursFactory(BaseFactory):
    class Meta:
        model = OpeningHours

    weekday = 0
    opens = time(6, 0)
    closes = time(23, 0)


class ClosureFactory(BaseFactory):
    """Days a space is closed (holidays, cleaning)."""

    class Meta:
        model = Closure

    starts_on = factory.LazyFunction(clock.today)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on)
    reason = "Lukket"


# The older helpers, kept for the many tests that call them -------------------------------------------------------

def user(role: str = "member", email: str | None = None, name: str = "Test Person", **kw) -> User:
    if email is not None:
        kw["email"] = email
    return UserFactory(role=role, full_name=name, **kw)


def association(cvr: str | None = None, name: str | None = None, members: tuple = (), **kw) -> Association:
    kw.update({k: v for k, v in (("cvr", cvr), ("name", name)) if v is not None})
    return AssociationFactory(members=members, **kw)


def committee(name: str | None = None, members: tuple = (), chair: User | None = None) -> Committee:
    return CommitteeFactory(members=members, chair=chair, **({"name": name} if name is not None else {}))


def pool(committee: Committee | None = None, workflow: str = "subsidy", **kw) -> Pool:
    if committee is not None:
        kw["committee"] = committee
    return PoolFactory(workflow=workflow, **kw)


def document(case=None, association=None, **kw) -> Document:
    """A Document whose bytes are really stored (UPLOAD_FOLDER is per test)."""
    return DocumentFactory(case=case, association=association, **kw)


def premises_location(name: str | None = None, **kw) -> Location:
    """A place that lends spaces (a school, a sports centre)."""
    return LocationFactory(**({"name": name} if name is not None else {}), **kw)


def premises_space(location, name: str | None = None, parent=None, hours=("06:00", "23:00"), **kw) -> Space:
    """A bookable space open every day (hours=None: no hours of its own, it follows its parent)."""
    return SpaceFactory(location=location, parent=parent, hours=hours or (),
                        **({"name": name} if name is not None else {}), **kw)


def form_version(pool, steps=None, published: bool = True) -> FormVersion:
    """A form version of `pool`. steps: [(title, [dict(key=, label=, kind=, required=, choices=, ...)])]."""
    return FormVersionFactory(pool=pool, steps=steps, published=published)


def decided_case(pool, association, applicant, caseworker, amount: int = 10_000, title: str = "Sommerlejr",
                 decision: str = "decide_grant"):
    """A case submitted by `applicant` and decided by `caseworker` within the delegation limit."""
    from app.services.cases import core as case_service
    from app.services.cases import transitions
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

"""The demo's people: staff, committees, associations and their boards."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from app import clock
from app.extensions import db
from app.models import (Association, AssociationApproval, AssociationEvent, Committee, CommitteeMember, Membership,
                        User)
from app.models.association import ApprovalRequest
from app.services.accounts.passwords import hash_password
from app.validators import CVR_WEIGHTS

DEMO_PASSWORD = "demo-adgangskode"  # nosec B105 # the demo's published password (README), seed-demo only
DEMO_LOGINS = [
    ("admin@demo.dk", "Administrator"),
    ("sagsbehandler@demo.dk", "Sagsbehandler"),
    ("sagsbehandler2@demo.dk", "Sagsbehandler"),
    ("formand.kfu@demo.dk", "Udvalgsformand (Kultur/Fritid)"),
    ("udvalg@demo.dk", "Udvalgsmedlem"),
    ("forening@demo.dk", "Forening (formand)"),
    ("kasserer@demo.dk", "Forening (kasserer)"),
]

ASSOCIATIONS = [
    ("Boldklubben Nordstjernen", "Fodbold for børn og unge", True),
    ("Eksempelby Svømmeklub", "Svømning for alle aldre", True),
    ("Spejderne i Østerbyen", "Spejderarbejde for børn", True),
    ("Seniorklubben Solsikken", "Fællesskab for ældre", False),
    ("Eksempelby Skakforening", "Skak for børn og voksne", True),
    ("Foreningen Lokalhistorisk Arkiv", "Lokalhistorie og foredrag", False),
    ("Gymnastikforeningen Spring", "Gymnastik for børn", True),
    ("Eksempelby Kor", "Korsang for voksne", False),
    ("Natteravnene Eksempelby", "Frivillige voksne i nattelivet", False),
    ("Håndboldklubben Stjernen", "Håndbold for børn og voksne", True),
    ("Foreningen Grønne Hænder", "Fælleshaver og natur", False),
    ("Eksempelby Badmintonklub", "Badminton for alle", True),
    ("Frivilligcentret Eksempelby", "Formidling af frivilligt arbejde", False),
    ("Dansk Folkedans Eksempelby", "Folkedans og musik", False),
    ("Eksempelby Rideklub", "Ridning for børn og unge", True),
    ("Foreningen Lektiecaféen", "Lektiehjælp for skolebørn", True),
    ("Eksempelby Cykelklub", "Landevejscykling og motion", False),
    ("Teaterforeningen Scenen", "Amatørteater", True),
    ("Eksempelby Bordtennis", "Bordtennis for børn og voksne", True),
    ("Foreningen Ældre Sagen lokal", "Besøgsvenner og motion", False),
    ("Eksempelby Kajakklub", "Kajak på fjorden", True),
    ("Foreningen Madfællesskabet", "Fællesspisning", False),
    ("Eksempelby Atletik", "Løb og atletik", True),
    ("Foreningen Strikkecaféen", "Strik og hygge", False),
    ("Eksempelby Tennisklub", "Tennis for alle", True),
    ("Foreningen Unge Musikere", "Bandøvelse for unge", True),
    ("Eksempelby Petanque", "Petanque for voksne", False),
    ("Foreningen Naturfamilien", "Naturture for familier", True),
    ("Eksempelby Judoklub", "Judo for børn", True),
    ("Foreningen Kulturnatten", "Kulturarrangementer", False),
]




@dataclass
class World:
    """What the demo has made so far, for the parts that build on it."""

    staff: dict[str, User]
    committees: dict[str, Committee]
    associations: list[Association]
    members: dict[int, User]
    pools: dict = field(default_factory=dict)

    def chair_of(self, index: int) -> User:
        """The board member who acts for association number `index`."""
        return self.members[self.associations[index].id]


def database_is_empty() -> bool:
    """True when no user exists yet."""
    return db.session.scalar(db.select(User.id).limit(1)) is None


def demo_cvr(rng: random.Random) -> str:
    """A random CVR number with a valid check digit."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(6)]
        check = (-sum(d * w for d, w in zip(digits, CVR_WEIGHTS))) % 11
        if check < 10:
            return "".join(map(str, digits + [check]))


_HASHES: dict[str, str] = {}


def _user(email: str, name: str, role: str) -> User:
    # One argon2 hash for the one published demo password: hashing it 37 times only slows the seed.
    if DEMO_PASSWORD not in _HASHES:
        _HASHES[DEMO_PASSWORD] = hash_password(DEMO_PASSWORD)
    password_hash = _HASHES[DEMO_PASSWORD]
    user = User(email=email, full_name=name, role=role, password_hash=password_hash, email_confirmed_at=clock.now())
    db.session.add(user)
    return user


def seed_people(line) -> World:
    """Staff, committees, associations (registered half a year ago) and their boards."""
    with line.ago(200):
        staff = _seed_staff()
        committees = _seed_committees(staff)
        associations = _seed_associations()
        members = _seed_members(associations)
        _seed_journals(associations, members)
    _seed_approvals(associations, members, line.seeded_on.year)
    db.session.flush()
    return World(staff, committees, associations, members)


def _seed_staff() -> dict[str, User]:
    people = {
        "admin": _user("admin@demo.dk", "Anne Administrator", "administrator"),
        "cw1": _user("sagsbehandler@demo.dk", "Mette Sørensen", "caseworker"),
        "cw2": _user("sagsbehandler2@demo.dk", "Jonas Bæk", "caseworker"),
        "chair": _user("formand.kfu@demo.dk", "Lise Dahl", "committee_member"),
        "member": _user("udvalg@demo.dk", "Ahmed Hansen", "committee_member"),
        "chair2": _user("formand.sou@demo.dk", "Peter Øster", "committee_member"),
    }
    db.session.flush()
    return people


def _seed_committees(staff: dict[str, User]) -> dict[str, Committee]:
    kfu = Committee(name="Kultur- og Fritidsudvalget", description="Idræt, kultur, folkeoplysning og fritid.")
    sou = Committee(name="Social- og Sundhedsudvalget", description="Frivilligt socialt arbejde (servicelovens § 18).")
    db.session.add_all([kfu, sou])
    db.session.flush()
    db.session.add_all([
        CommitteeMember(committee_id=kfu.id, user_id=staff["chair"].id, is_chair=True),
        CommitteeMember(committee_id=kfu.id, user_id=staff["member"].id),
        CommitteeMember(committee_id=sou.id, user_id=staff["chair2"].id, is_chair=True),
        CommitteeMember(committee_id=sou.id, user_id=staff["member"].id),
    ])
    return {"kfu": kfu, "sou": sou}


def _seed_associations() -> list[Association]:
    rng = random.Random(2026)  # nosec B311 # the same demo every time; nothing secret
    out = []
    for i, (name, description, children) in enumerate(ASSOCIATIONS):
        a = Association(name=name, cvr=demo_cvr(rng), description=description, street=f"Foreningsvej {i + 1}",
                        postcode="9999", city="Eksempelby", contact_email=f"kontakt{i + 1}@forening.example",
                        works_with_children=children, child_certificate_declared_at=clock.now() if children else None)
        db.session.add(a)
        out.append(a)
    db.session.flush()
    return out


def _seed_members(associations: list[Association]) -> dict[int, User]:
    chair = _user("forening@demo.dk", "Karen Holm", "member")
    treasurer = _user("kasserer@demo.dk", "Bo Nielsen", "member")
    db.session.flush()
    first = associations[0]
    db.session.add_all([Membership(user_id=chair.id, association_id=first.id, role="chair"),
                        Membership(user_id=treasurer.id, association_id=first.id, role="treasurer")])
    others = {first.id: chair}
    for i, a in enumerate(associations[1:], start=2):
        u = _user(f"formand{i}@forening.example", f"Formand {a.name}", "member")
        db.session.flush()
        db.session.add(Membership(user_id=u.id, association_id=a.id, role="chair"))
        others[a.id] = u
    return others


def _seed_journals(associations: list[Association], members: dict[int, User]) -> None:
    """Each association's journal starts with its registration; the chair declared børneattest."""
    for a in associations:
        chair = members[a.id]
        db.session.add(AssociationEvent(association_id=a.id, actor_id=chair.id, action="registered",
                                        data={"name": a.name}))
        if a.child_certificate_declared_at:
            a.child_certificate_declared_by_id = chair.id


def _seed_approvals(associations: list[Association], members: dict[int, User], year: int) -> None:
    """The first 20 are approved (last year, this year, and already for next year, whose pools may be open);
    three more wait for a caseworker's approval."""
    for a in associations[:20]:
        db.session.add_all([AssociationApproval(association_id=a.id, year=y) for y in (year - 1, year, year + 1)])
    for a in associations[20:23]:
        chair = members[a.id]
        db.session.add(ApprovalRequest(association_id=a.id, year=year, requested_by_id=chair.id,
                                       message="Vi har over 30 betalende medlemmer og nye vedtægter fra i år."))
        db.session.add(AssociationEvent(association_id=a.id, actor_id=chair.id, action="approval_requested",
                                        data={"year": year}))

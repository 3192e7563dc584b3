"""Realistic Danish demo data for `flask seed-demo`: committees, pools, associations, cases."""
from __future__ import annotations

import random
from datetime import date

from app.extensions import db
from app.models import (Association, AssociationApproval, Committee, CommitteeMember, Membership, Pool,
                        PoolCriterion, User)
from app.models.base import utcnow
from app.services import cases as case_service
from app.services import transitions
from app.services.passwords import hash_password
from app.services.unit_of_work import commit
from app.validators import CVR_WEIGHTS

DEMO_PASSWORD = "demo-adgangskode"
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


def _user(email: str, name: str, role: str) -> User:
    user = User(email=email, full_name=name, role=role, password_hash=hash_password(DEMO_PASSWORD),
                email_confirmed_at=utcnow())
    db.session.add(user)
    return user


def seed() -> None:
    """Create the demo municipality's data (the database should be empty)."""
    year = date.today().year
    staff = _seed_staff()
    committees = _seed_committees(staff)
    pools = _seed_pools(committees, year)
    associations = _seed_associations(year)
    members = _seed_members(associations)
    commit()
    _seed_cases(pools, associations, members, staff)


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


APPEAL = ("Du kan ikke klage over afgørelsen til en anden administrativ myndighed, jf. folkeoplysningslovens § 42. "
          "Du kan dog klage over retlige spørgsmål til Ankestyrelsen. Kontakt os, hvis du har spørgsmål.")
CRITERIA = [("Samspil", "Samarbejde med andre foreninger, skoler eller kommunen.", 3),
            ("Synlighed", "Aktiviteten er synlig og åben for nye deltagere.", 2),
            ("Nye initiativer", "Aktiviteten er ny eller når nye målgrupper.", 2)]


def _pool(committee: Committee, year: int, **kw) -> Pool:
    pool = Pool(committee_id=committee.id, year=year, is_published=True, opens_on=date(year, 1, 1),
                appeal_text=APPEAL, **kw)
    db.session.add(pool)
    db.session.flush()
    for i, (name, text, weight) in enumerate(CRITERIA):
        db.session.add(PoolCriterion(pool_id=pool.id, position=i, name=name, description=text, weight=weight))
    return pool


def _seed_pools(c: dict[str, Committee], year: int) -> dict[str, Pool]:
    return {
        "frivillig": _pool(c["sou"], year, slug=f"frivillighedspulje-{year}", name=f"Frivillighedspuljen {year}",
                           purpose="Tilskud til frivilligt socialt arbejde (servicelovens § 18).", workflow="subsidy",
                           budget=800_000, deadline=date(year, 12, 15), delegation_limit=20_000, reply_days=14,
                           report_due_days=90, legal_basis="Servicelovens § 18",
                           rules_text="Foreningen skal være hjemmehørende i kommunen. Husk forsikring ved arrangementer."),
        "nye": _pool(c["kfu"], year, slug=f"nye-initiativer-{year}", name=f"Puljen til nye initiativer {year}",
                     purpose="Startstøtte til nye foreninger og nye aktiviteter. Også uformelle grupper kan søge.",
                     workflow="new_initiative", applicants="informal", budget=300_000, is_rolling=True,
                     delegation_limit=15_000, fast_track_limit=5_000, reply_days=10, report_due_days=60,
                     legal_basis="Kommunens frivillighedspolitik"),
        "lokale": _pool(c["kfu"], year, slug=f"lokaletilskud-{year}", name=f"Lokaletilskud {year}",
                        purpose="Tilskud til driftsudgifter til egne og lejede lokaler (folkeoplysningslovens § 25).",
                        workflow="subsidy", applicants="approved", budget=2_500_000, deadline=date(year, 12, 1),
                        requires_approval=True, requires_child_certificate=True, delegation_limit=0,
                        legal_basis="Folkeoplysningslovens § 25"),
        "aktivitet": _pool(c["kfu"], year, slug=f"aktivitetstilskud-{year}", name=f"Aktivitetstilskud {year}",
                           purpose="Tilskud pr. medlem under 25 år.", workflow="subsidy", applicants="approved",
                           budget=1_200_000, deadline=date(year, 12, 1), requires_approval=True,
                           requires_child_certificate=True, delegation_limit=50_000,
                           legal_basis="Folkeoplysningslovens § 18"),
        "lokaler": _pool(c["kfu"], year, slug=f"laan-af-lokaler-{year}", name="Lån af lokaler og haller",
                         purpose="Gratis lån af kommunens lokaler og haller til foreninger.", workflow="premises_loan",
                         budget=0, is_rolling=True, reply_days=7, legal_basis="Folkeoplysningslovens §§ 21-22"),
    }


def _seed_associations(year: int) -> list[Association]:
    rng = random.Random(2026)
    out = []
    for i, (name, description, children) in enumerate(ASSOCIATIONS):
        a = Association(name=name, cvr=demo_cvr(rng), description=description, street=f"Foreningsvej {i + 1}",
                        postcode="9999", city="Eksempelby", contact_email=f"kontakt{i + 1}@forening.example",
                        works_with_children=children, child_certificate_declared_at=utcnow() if children else None)
        db.session.add(a)
        out.append(a)
    db.session.flush()
    for a in out[:20]:
        db.session.add(AssociationApproval(association_id=a.id, year=year))
    return out


def _seed_members(associations: list[Association]) -> dict[str, User]:
    chair = _user("forening@demo.dk", "Karen Holm", "member")
    treasurer = _user("kasserer@demo.dk", "Bo Nielsen", "member")
    db.session.flush()
    first = associations[0]
    db.session.add_all([Membership(user_id=chair.id, association_id=first.id, role="chair"),
                        Membership(user_id=treasurer.id, association_id=first.id, role="treasurer")])
    others = {}
    for i, a in enumerate(associations[1:], start=2):
        u = _user(f"formand{i}@forening.example", f"Formand {a.name}", "member")
        db.session.flush()
        db.session.add(Membership(user_id=u.id, association_id=a.id, role="chair"))
        others[a.id] = u
    others[first.id] = chair
    return others


# (pool key, association index, title, amount, actions by (actor key, action))
DEMO_CASES = [
    ("frivillig", 0, "Sommerlejr for børn fra udsatte familier", 18_000, ["submit"]),
    ("frivillig", 3, "Besøgsvenner til ensomme ældre", 12_000, ["submit", "start_screening"]),
    ("frivillig", 8, "Nye veste og lygter til natteravnene", 8_500, ["submit", "start_screening", "request_information"]),
    ("nye", 0, "Pigefodbold for 10-12-årige", 4_000, ["submit", "start_screening"]),
    ("nye", 10, "Fælleshave i Østerbyen", 14_000, ["submit", "start_screening", "start_assessment", "recommend"]),
    ("aktivitet", 1, "Aktivitetstilskud 2026", 45_000, ["submit", "start_screening", "start_assessment", "recommend"]),
    ("lokale", 2, "Lokaletilskud til spejderhytten", 120_000, ["submit", "start_screening", "start_assessment",
                                                                "recommend", "send_to_committee"]),
    ("frivillig", 12, "Frivilligfest", 9_000, ["submit", "start_screening", "start_assessment", "recommend",
                                              "decide_grant"]),
]


def _seed_cases(pools, associations, members, staff) -> None:
    caseworker = staff["cw1"]
    for pool_key, index, title, amount, actions in DEMO_CASES:
        association = associations[index]
        applicant = members[association.id]
        case = case_service.create_draft(pools[pool_key], association, applicant, title, amount,
                                         {"description": f"{title}. Beskrevet af {association.name}."})
        case.assignee_id = caseworker.id if len(actions) > 1 else None
        if "recommend" in actions:
            case.recommended_amount = amount
        commit()
        for action in actions:
            actor = applicant if action == "submit" else caseworker
            transitions.perform(case.id, action, actor)

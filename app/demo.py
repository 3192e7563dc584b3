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
    _seed_portal(associations, members, year)
    _seed_caseworker(pools, associations, members, staff)
    _seed_pool_setup(pools, staff["admin"])
    _seed_after_decision(pools, associations, members, staff)
    _seed_meeting(pools, associations, members, staff)
    _seed_premises(associations, members, staff)


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


def _seed_portal(associations: list[Association], members: dict[int, User], year: int) -> None:
    """The associations' journals, who declared børneattest, and approval requests waiting for a caseworker."""
    from app.models import AssociationEvent
    from app.models.association import ApprovalRequest
    for a in associations:
        chair = members.get(a.id)
        db.session.add(AssociationEvent(association_id=a.id, actor_id=chair.id if chair else None,
                                        action="registered", data={"name": a.name}))
        if a.child_certificate_declared_at and chair:
            a.child_certificate_declared_by_id = chair.id
    for a in associations[20:23]:  # the first 20 are approved already
        chair = members.get(a.id)
        db.session.add(ApprovalRequest(association_id=a.id, year=year, requested_by_id=chair.id if chair else None,
                                       message="Vi har over 30 betalende medlemmer og nye vedtægter fra i år."))
        db.session.add(AssociationEvent(association_id=a.id, actor_id=chair.id if chair else None,
                                        action="approval_requested", data={"year": year}))
    commit()


# The caseworker's workspace: a fuller queue, a question past its deadline, a scored assessment, a note.
CASEWORKER_CASES = [
    ("frivillig", 13, "Folkedans for familier", 6_000),
    ("frivillig", 16, "Motionscykler til seniorholdet", 22_000),
    ("nye", 25, "Bandweekend for unge", 4_500),
    ("aktivitet", 14, "Ridelejr for unge", 38_000),
    ("frivillig", 19, "Besøgsvenner i weekenden", 11_000),
    ("nye", 27, "Naturture med madpakke", 3_000),
]
CASEWORKER_SCORES = [(4, "Samarbejder med to skoler om rideture."), (3, "Åbent hus to gange om året."),
                     (2, "Kendt aktivitet, men nyt hold for 13-16-årige.")]


def _seed_caseworker(pools, associations, members, staff) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from app.models import Case
    from app.services import assessment as assessment_service
    from app.services import assignment, case_notes, hearing
    cw1, cw2 = staff["cw1"], staff["cw2"]
    made = []
    for pool_key, index, title, amount in CASEWORKER_CASES:
        association = associations[index]
        case = case_service.create_draft(pools[pool_key], association, members[association.id], title, amount,
                                         {"description": f"{title}. Beskrevet af {association.name}."})
        transitions.perform(case.id, "submit", members[association.id])
        made.append(case.id)
    transitions.perform(made[1], "start_screening", cw2)
    hearing.request_information(made[1], cw2, "Hvor mange deltagere forventer I på holdet?", date.today())
    db.session.execute(update(Case).where(Case.id == made[1]).values(reply_deadline=date.today() - timedelta(days=3)))
    commit()
    assignment.assign(made[3], cw1.id, cw1)
    transitions.perform(made[3], "start_screening", cw1)
    transitions.perform(made[3], "start_assessment", cw1)
    scores = {c.id: assessment_service.ScoreInput(score, text)
              for c, (score, text) in zip(pools["aktivitet"].criteria, CASEWORKER_SCORES)}
    assessment_service.save_assessment(made[3], cw1, scores, 30_000, (
        "Klubben har mange medlemmer under 25 år og samarbejder med skolerne. Budgettet til transport er højt, "
        "så vi indstiller 30.000 kr. i stedet for de ansøgte 38.000 kr."))
    case_notes.add_note(made[3], cw1, "Talte med formanden i telefonen: hestene lejes hos en nabo, ikke købt.")


# Administration: each grant pool gets a published application form and eligibility questions.
DEMO_QUESTIONS = {
    "frivillig": [("Er I en forening eller en frivillig gruppe i kommunen?", True, "Puljen er for lokale foreninger."),
                  ("Er aktiviteten frivilligt socialt arbejde?", True, "Puljen støtter frivilligt socialt arbejde "
                   "(servicelovens § 18). Se også de andre puljer."),
                  ("Skal aktiviteten give overskud?", False, "Puljen støtter ikke aktiviteter, der skal tjene penge.")],
    "nye": [("Er jeres forening, gruppe eller aktivitet ny (under to år)?", True,
             "Puljen er til nye foreninger og nye aktiviteter. Kendte aktiviteter kan søge de andre puljer."),
            ("Har I en kontaktperson, vi kan skrive til?", True, "Uformelle grupper søger gennem en kontaktperson."),
            ("Skal aktiviteten give overskud?", False, "Puljen støtter ikke aktiviteter, der skal tjene penge.")],
    "lokale": [("Er I godkendt som folkeoplysende forening?", True, "Kun godkendte foreninger kan få lokaletilskud."),
               ("Har I aktiviteter for børn og unge under 25 år?", True, "Lokaletilskud gives til aktiviteter for "
                "børn og unge (folkeoplysningslovens § 25)."),
               ("Kan I låne et kommunalt lokale i stedet?", False, "Vi anviser kommunale lokaler først; kontakt os.")],
    "aktivitet": [("Er I godkendt som folkeoplysende forening?", True, "Kun godkendte foreninger kan søge."),
                  ("Har I medlemmer under 25 år?", True, "Aktivitetstilskud gives pr. medlem under 25 år.")],
}
ACTIVITY_FIELDS = [
    ("Hvad vil I lave?", "long_text", True, "Beskriv aktiviteten kort: hvad, hvor og hvorfor.", []),
    ("Hvornår begynder aktiviteten?", "date", True, "", []),
    ("Hvor mange deltager?", "number", True, "Et skøn er fint.", []),
    ("Hvem er aktiviteten for?", "multiple_choice", True, "", ["Børn (0-12 år)", "Unge (13-24 år)", "Voksne",
                                                              "Ældre"]),
    ("Samarbejder I med andre?", "yes_no", True, "Fx skoler, andre foreninger eller kommunen.", []),
]


def _seed_pool_setup(pools: dict, admin: User) -> None:
    """Published forms (about the activity, budget, attachments) and eligibility questions for the grant pools."""
    from app.services import form_builder, forms as form_setup, pool_criteria
    for key, questions in DEMO_QUESTIONS.items():
        pool = pools[key]
        pool_criteria.set_questions(pool.id, admin, [pool_criteria.QuestionValues(*q) for q in questions])
        about = form_builder.add_step(pool.id, admin, "Om aktiviteten", "Fortæl os, hvad I vil bruge pengene til.")
        for label, kind, required, help_text, choices in ACTIVITY_FIELDS:
            form_builder.add_field(about.id, admin, form_builder.FieldValues(label, kind, required, help_text, choices))
        form_builder.add_field(about.id, admin, form_builder.FieldValues(
            "Hvem samarbejder I med?", "long_text", True, condition="samarbejder_i_med_andre=yes"))
        money = form_builder.add_step(pool.id, admin, "Budget", "Skriv udgifter og indtægter. Det beløb, I søger, "
                                      "er udgifterne minus indtægterne.")
        form_builder.add_field(money.id, admin, form_builder.FieldValues("Budget for aktiviteten", "budget", True))
        files = form_builder.add_step(pool.id, admin, "Bilag", "Vedhæft det, der hjælper os med at forstå ansøgningen.")
        approved = pool.applicants == "approved"
        form_builder.add_field(files.id, admin, form_builder.FieldValues(
            "Seneste godkendte regnskab" if approved else "Budget eller tilbud", "file", approved,
            "PDF, Word, Excel eller billede, højst 10 MB."))
        form_builder.add_field(files.id, admin, form_builder.FieldValues("Andre bilag", "file", False))
        form_setup.publish(pool.id, admin)


# After the decision: a paid batch, a report to write, a closed new initiative with a public story,
# two grants waiting for the caseworker's next batch, and Nordstjernen's public listing.
AFTER_CASES = [  # (key, pool key, association index, title, amount, days from submission to decision)
    ("report", "frivillig", 0, "Fodboldskole i sommerferien", 8_000, 21),
    ("story", "nye", 2, "Familiespejd om lørdagen", 4_000, 6),
    ("wait1", "aktivitet", 0, "Nye fodboldmål til børneholdene", 15_000, 34),
    ("wait2", "frivillig", 1, "Svømmeskole for begyndere", 12_000, 12),
]


def _decide(pool, association, applicant, caseworker, title: str, amount: int, days: int) -> int:
    from datetime import timedelta

    from sqlalchemy import update

    from app.models import Case
    case = case_service.create_draft(pool, association, applicant, title, amount, {"description": title})
    case.recommended_amount = amount
    commit()
    transitions.perform(case.id, "submit", applicant)
    for action in ("start_screening", "start_assessment", "recommend", "decide_grant"):
        transitions.perform(case.id, action, caseworker)
    decided = db.session.get(Case, case.id).decided_at
    db.session.execute(update(Case).where(Case.id == case.id).values(submitted_at=decided - timedelta(days=days)))
    commit()
    return case.id


def _seed_after_decision(pools, associations, members, staff) -> None:
    from app.services import payouts, reporting
    cw = staff["cw1"]
    ids = {key: _decide(pools[pool], associations[i], members[associations[i].id], cw, title, amount, days)
           for key, pool, i, title, amount, days in AFTER_CASES[:2]}
    batch = payouts.create_batch(cw, date.today())
    payouts.mark_sent(batch.id, cw)
    payouts.mark_paid(batch.id, cw)
    for case_id in ids.values():
        reporting.review(case_id, "request_report", cw)
    scout = members[associations[2].id]
    _demo_report(ids["story"], scout, "Otte familier har været med til spejd hver lørdag.",
                 "Børn og forældre bygger bål og shelter sammen. Tre familier er blevet nye medlemmer.")
    reporting.review(ids["story"], "approve_report", cw)
    for key, pool, i, title, amount, days in AFTER_CASES[2:]:
        _decide(pools[pool], associations[i], members[associations[i].id], cw, title, amount, days)
    _seed_listings(associations, members)


def _demo_report(case_id: int, user: User, text: str, story: str) -> None:
    import io

    from werkzeug.datastructures import FileStorage

    from app.services import reporting
    accounts = FileStorage(io.BytesIO(b"Regnskab;Bel\xc3\xb8b\nMaterialer;2500\nTransport;1500\n"), filename="regnskab.csv")
    reporting.submit_report(case_id, user, reporting.ReportInput(
        activity_text=text, participants={"0_12": 14, "25_64": 10}, story_text=story, story_consent=True), accounts)


def _seed_listings(associations, members) -> None:
    from app.services import directory
    club = associations[0]
    directory.save_listing(club.id, members[club.id], directory.ListingInput(
        is_public=True, description="Fodboldklub for børn og unge i Eksempelby. Alle kan være med.",
        contact="kontakt1@forening.example", website="https://nordstjernen.example",
        activities=[directory.ActivityInput("Børnefodbold", "Leg med bold for de mindste og hold for 8-12-årige.",
                                            frozenset({"0_12"}), "Tirsdag og torsdag kl. 16.30-17.30",
                                            "Nordstjernens baner, Foreningsvej 1"),
                    directory.ActivityInput("Ungdomsfodbold", "Drenge- og pigehold, der spiller i turnering.",
                                            frozenset({"13_18"}), "Mandag og onsdag kl. 17-18.30",
                                            "Nordstjernens baner, Foreningsvej 1")]))
    swim = associations[1]
    directory.save_listing(swim.id, members[swim.id], directory.ListingInput(
        is_public=False, description="Udkast: vises ikke, før klubben vælger det."))


# Committee cases for the demo meeting: (pool, association index, title, applied, recommended, recommendation).
MEETING_CASES = [
    ("aktivitet", 6, "Springgrav og nye måtter til børneholdene", 90_000, 70_000,
     "Foreningen har 140 medlemmer under 25 år og venteliste på børneholdene. Springgraven er godt begrundet, men "
     "måtterne kan delvist lånes af skolen. Vi indstiller 70.000 kr."),
    ("nye", 25, "Musikfestival for unge i Østerbyen", 24_000, 24_000,
     "Et nyt initiativ, som unge selv har taget. Festivalen samarbejder med ungdomsskolen og er gratis. Vi indstiller, "
     "at der bevilges det ansøgte beløb."),
]


def _seed_meeting(pools, associations, members, staff) -> None:
    """A planned meeting of Kultur- og Fritidsudvalget with the committee's waiting cases on the agenda."""
    from datetime import timedelta

    from app.models import Case, Committee, Pool
    from app.services import assessment as assessment_service
    from app.services import assignment, hearing, meetings
    cw = staff["cw1"]
    for pool_key, index, title, amount, recommended, text in MEETING_CASES:
        association = associations[index]
        case = case_service.create_draft(pools[pool_key], association, members[association.id], title, amount,
                                         {"description": f"{title}. Beskrevet af {association.name}."})
        transitions.perform(case.id, "submit", members[association.id])
        assignment.assign(case.id, cw.id, cw)
        transitions.perform(case.id, "start_screening", cw)
        transitions.perform(case.id, "start_assessment", cw)
        scores = {c.id: assessment_service.ScoreInput(4 - n, "") for n, c in enumerate(pools[pool_key].criteria)}
        assessment_service.save_assessment(case.id, cw, scores, recommended, text)
        hearing.confirm_hearing(case.id, cw, "not_needed", "Afgørelsen bygger kun på foreningens egne oplysninger.")
        transitions.perform(case.id, "recommend", cw)
        transitions.perform(case.id, "send_to_committee", cw)
    kfu = db.session.scalar(db.select(Committee).where(Committee.name == "Kultur- og Fritidsudvalget"))
    meeting = meetings.create_meeting(kfu.id, date.today() + timedelta(days=4), "Ordinært møde",
                                      "Rådhuset, mødelokale 2", cw)
    waiting = db.session.scalars(db.select(Case.id).join(Pool, Pool.id == Case.pool_id).where(
        Pool.committee_id == kfu.id, Case.state == "committee")).all()
    if waiting:
        meetings.add_to_agenda(meeting.id, list(waiting), cw)


def _seed_premises(associations, members, staff) -> None:
    """Premises: a sports centre with a hall of three courts, a school, bookings, equipment, a seasonal round."""
    from app.premises.demo_data import seed_premises
    seed_premises(associations, members, staff["cw1"])

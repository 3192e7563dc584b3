"""The demo's pools, dated so that on any day one is open, one closes within days, one has closed and
one opens later; each grant pool gets a published form and eligibility questions."""
from __future__ import annotations

from datetime import date

from app.extensions import db
from app.models import Committee, LegalBasis, Pool, PoolCriterion, User
from app.models.legal_basis import SEED
from workflows import registry

CRITERIA = [("Samspil", "Samarbejde med andre foreninger, skoler eller kommunen.", 3),
            ("Synlighed", "Aktiviteten er synlig og åben for nye deltagere.", 2),
            ("Nye initiativer", "Aktiviteten er ny eller når nye målgrupper.", 2)]

# Days from the seed's today: (opens, deadline); None for a rolling pool's deadline.
FRIVILLIG = (-100, 35)    # open, deadline some weeks ahead
AKTIVITET = (-120, 3)     # open, closes within days
LOKALE = (-150, -10)      # closed, its cases in assessment and with the committee
KULTUR = (21, 80)         # opens later
ROLLING_OPENED = -200


def library_entry(code: str) -> LegalBasis:
    """The library's entry `code` (installed by migration 0280; added here if an emptied database lacks it)."""
    entry = db.session.scalar(db.select(LegalBasis).where(LegalBasis.code == code))
    if entry is None:
        _, name, appeal, note = next(row for row in SEED if row[0] == code)
        entry = LegalBasis(code=code, name=name, appeal_text=appeal, note=note)
        db.session.add(entry)
        db.session.flush()
    return entry


def _pool(committee: Committee, opens_on: date, deadline: date | None, **kw) -> Pool:
    year = deadline.year if deadline else kw.pop("year")
    name, slug = kw.pop("name"), kw.pop("slug")
    basis = library_entry(kw.pop("basis"))
    # Kontering as the chart of accounts has it: function 0.35.62 (frivilligt folkeoplysende foreningsarbejde),
    # art 5.9 (øvrige tilskud og overførsler), on the culture and leisure department's cost centre.
    kw.setdefault("account_code", "0.35.62.5.9")
    kw.setdefault("cost_centre", "KF-FRITID")
    pool = Pool(committee_id=committee.id, year=year, is_published=True, opens_on=opens_on, deadline=deadline,
                legal_basis_id=basis.id, name=name.format(year=year), slug=slug.format(year=year), **kw)
    db.session.add(pool)
    db.session.flush()
    for i, (criterion, text, weight) in enumerate(CRITERIA):
        db.session.add(PoolCriterion(pool_id=pool.id, position=i, name=criterion, description=text, weight=weight))
    return pool


def seed_pools(world, line) -> dict[str, Pool]:
    """The municipality's pools, set up by the administrator before the first of them opened."""
    c, day = world.committees, line.day
    with line.ago(160):
        return {
            "frivillig": _pool(c["sou"], day(FRIVILLIG[0]), day(FRIVILLIG[1]), slug="frivillighedspulje-{year}",
                               name="Frivillighedspuljen {year}", workflow=registry.SUBSIDY,
                               purpose="Tilskud til frivilligt socialt arbejde (servicelovens § 18).",
                               budget=800_000, delegation_limit=20_000, reply_days=14, report_due_days=90,
                               basis="servicelov-18", rules_text="Foreningen skal være hjemmehørende i "
                               "kommunen. Husk forsikring ved arrangementer."),
            "nye": _pool(c["kfu"], day(ROLLING_OPENED), None, year=line.seeded_on.year, slug="nye-initiativer",
                         name="Puljen til nye initiativer", workflow=registry.NEW_INITIATIVE, applicants="informal",
                         purpose="Startstøtte til nye foreninger og nye aktiviteter. Også uformelle grupper kan søge.",
                         budget=300_000, is_rolling=True, delegation_limit=15_000, fast_track_limit=5_000,
                         reply_days=10, report_due_days=60, basis="frivillighedspolitik"),
            "lokale": _pool(c["kfu"], day(LOKALE[0]), day(LOKALE[1]), slug="foreningslokaler-{year}",
                            name="Puljen til foreningslokaler {year}", workflow=registry.SUBSIDY, applicants="approved",
                            purpose="Tilskud til istandsættelse af foreningers egne og lejede lokaler. Den løbende "
                            "drift af lokalerne støttes med lokaletilskud, som beregnes ud fra den årlige indberetning.",
                            budget=2_500_000, requires_approval=True, requires_child_certificate=True,
                            delegation_limit=0, basis="folkeoplysning-18"),
            "aktivitet": _pool(c["kfu"], day(AKTIVITET[0]), day(AKTIVITET[1]), slug="boerne-og-ungepuljen-{year}",
                               name="Børne- og ungepuljen {year}", workflow=registry.SUBSIDY, applicants="approved",
                               purpose="Tilskud til udstyr, lejre og særlige aktiviteter for børn og unge under 25 år. "
                               "Aktivitetstilskuddet pr. medlem beregnes ud fra den årlige indberetning.",
                               budget=1_200_000, requires_approval=True,
                               requires_child_certificate=True, delegation_limit=50_000,
                               basis="folkeoplysning-18"),
            "kultur": _pool(c["kfu"], day(KULTUR[0]), day(KULTUR[1]), slug="kulturpuljen-{year}",
                            name="Kulturpuljen {year}", workflow=registry.SUBSIDY,
                            purpose="Tilskud til koncerter, teater, foredrag og andre kulturarrangementer, der er "
                            "åbne for alle.", budget=400_000, delegation_limit=25_000, reply_days=14,
                            report_due_days=60, basis="kulturpolitik"),
            "lokaler": _pool(c["kfu"], day(ROLLING_OPENED), None, year=line.seeded_on.year, slug="laan-af-lokaler",
                             name="Lån af lokaler og haller", workflow=registry.PREMISES_LOAN, is_rolling=True,
                             purpose="Gratis lån af kommunens lokaler og haller til foreninger.", budget=0,
                             reply_days=7, basis="folkeoplysning-21-22"),
        }


def seed_pool_setup(world, line) -> None:
    """The administrator publishes each grant pool's form and eligibility questions."""
    _publish_forms(world.pools, world.staff["admin"])


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
    "lokale": [("Er I godkendt som folkeoplysende forening?", True, "Kun godkendte foreninger kan søge."),
               ("Er lokalerne foreningens egne eller lejet af foreningen?", True, "Kommunens egne lokaler "
                "vedligeholder kommunen selv."),
               ("Kan I låne et kommunalt lokale i stedet?", False, "Vi anviser kommunale lokaler først; kontakt os.")],
    "aktivitet": [("Er I godkendt som folkeoplysende forening?", True, "Kun godkendte foreninger kan søge."),
                  ("Er aktiviteten for børn og unge under 25 år?", True, "Puljen støtter aktiviteter for børn og "
                   "unge under 25 år.")],
}
ACTIVITY_FIELDS = [
    ("Hvad vil I lave?", "long_text", True, "Beskriv aktiviteten kort: hvad, hvor og hvorfor.", []),
    ("Hvornår begynder aktiviteten?", "date", True, "", []),
    ("Hvor mange deltager?", "number", True, "Et skøn er fint.", []),
    ("Hvem er aktiviteten for?", "multiple_choice", True, "", ["Børn (0-12 år)", "Unge (13-24 år)", "Voksne",
                                                              "Ældre"]),
    ("Samarbejder I med andre?", "yes_no", True, "Fx skoler, andre foreninger eller kommunen.", []),
]


DEMO_QUESTIONS["kultur"] = [
    ("Er arrangementet åbent for alle i kommunen?", True, "Puljen støtter arrangementer, som alle kan komme til."),
    ("Skal arrangementet give overskud?", False, "Puljen støtter ikke arrangementer, der skal tjene penge.")]


def _publish_forms(pools: dict, admin: User) -> None:
    """Published forms (about the activity, budget, attachments) and eligibility questions for the grant pools."""
    from app.services.pools import form_builder, forms as form_setup, criteria as pool_criteria
    for key, pool in pools.items():
        questions = DEMO_QUESTIONS.get(key)
        if questions is None:
            continue
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



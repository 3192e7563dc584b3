"""The demo's applications, each lived through from the day it was submitted: a queue in every state,
a caseworker's workspace, and grants that were paid, reported on and are waiting for the next batch."""
from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage

from app.services.cases import assessment, assignment, notes as case_notes, transitions
from app.services.associations import directory
from app.services.money import payouts, reporting
from app.services.cases import core as case_service

# (pool, association index, title, amount applied, days ago submitted, the caseworker's steps, one a day)
APPLICATIONS = [
    ("frivillig", 0, "Sommerlejr for børn fra udsatte familier", 18_000, 2, []),
    ("frivillig", 3, "Besøgsvenner til ensomme ældre", 12_000, 6, ["start_screening"]),
    ("frivillig", 8, "Nye veste og lygter til natteravnene", 8_500, 9, ["start_screening", "request_information"]),
    ("nye", 0, "Pigefodbold for 10-12-årige", 4_000, 5, ["start_screening"]),
    ("nye", 10, "Fælleshave i Østerbyen", 14_000, 12, ["start_screening", "start_assessment", "recommend"]),
    ("aktivitet", 1, "Svømmestævne for børneholdene", 45_000, 15,
     ["start_screening", "start_assessment", "recommend"]),
    ("lokale", 2, "Nyt tag på spejderhytten", 120_000, 25,
     ["start_screening", "start_assessment", "recommend", "send_to_committee"]),
    ("lokale", 4, "Nye vinduer i skakklubbens lokale", 35_000, 14, ["start_screening", "start_assessment"]),
    ("frivillig", 12, "Frivilligfest", 9_000, 11, ["start_screening", "start_assessment", "recommend", "decide_grant"]),
]

# The caseworkers' workspace: (pool, association index, title, amount, days ago submitted)
WORKSPACE = [
    ("frivillig", 13, "Folkedans for familier", 6_000, 1),
    ("frivillig", 16, "Motionscykler til seniorholdet", 22_000, 19),
    ("nye", 25, "Bandweekend for unge", 4_500, 3),
    ("aktivitet", 14, "Ridelejr for unge", 38_000, 8),
    ("frivillig", 19, "Besøgsvenner i weekenden", 11_000, 4),
    ("nye", 27, "Naturture med madpakke", 3_000, 0),
]
SCORES = [(4, "Samarbejder med to skoler om rideture."), (3, "Åbent hus to gange om året."),
          (2, "Kendt aktivitet, men nyt hold for 13-16-årige.")]

# Decided under delegation: (key, pool, association index, title, amount, days ago submitted, days ago decided)
GRANTED = [
    ("report", "frivillig", 0, "Fodboldskole i sommerferien", 8_000, 80, 59),
    ("story", "nye", 2, "Familiespejd om lørdagen", 4_000, 70, 64),
    ("wait1", "aktivitet", 0, "Nye fodboldmål til børneholdene", 15_000, 50, 16),
    ("wait2", "frivillig", 1, "Svømmeskole for begyndere", 12_000, 20, 8),
]


def apply(world, line, pool_key: str, index: int, title: str, amount: int, days_ago: int) -> int:
    """The association's chair writes and submits an application on that day; returns the case id."""
    applicant = world.chair_of(index)
    with line.ago(days_ago, hour=19):
        case = case_service.create_draft(world.pools[pool_key], world.associations[index], applicant, title, amount,
                                         {"description": f"{title}. Beskrevet af {world.associations[index].name}."})
        transitions.perform(case.id, "submit", applicant)
    return case.id


def work(world, line, case_id: int, steps: list[str], days_ago: int, caseworker=None, amount: int | None = None,
         text: str = "") -> None:
    """The caseworker takes the case and does one step a day, starting `days_ago`."""
    cw = caseworker or world.staff["cw1"]
    for n, step in enumerate(steps):
        with line.ago(days_ago - n):
            if step == "start_screening":
                assignment.assign(case_id, cw.id, cw)
            if step == "recommend":
                recommend(case_id, cw, amount, text)
            transitions.perform(case_id, step, cw)


def recommend(case_id: int, cw, amount: int | None, text: str = "") -> None:
    """Score every criterion and recommend `amount` (the assessment the recommend step needs)."""
    from app.models import Case
    from app.extensions import db
    case = db.session.get(Case, case_id)
    scores = {c.id: assessment.ScoreInput(3, "") for c in case.pool.criteria}
    assessment.save_assessment(case_id, cw, scores, amount if amount is not None else case.amount_applied,
                               text or "Ansøgningen opfylder puljens formål og kriterier.")


def seed_cases(world, line) -> None:
    """Applications in every state, the caseworkers' workspace, and life after the decision."""
    for pool_key, index, title, amount, days, steps in APPLICATIONS:
        case_id = apply(world, line, pool_key, index, title, amount, days)
        work(world, line, case_id, steps, days - 1, amount=amount)
    _workspace(world, line)
    _after_decision(world, line)


def _workspace(world, line) -> None:
    cw1, cw2 = world.staff["cw1"], world.staff["cw2"]
    made = [apply(world, line, *row) for row in WORKSPACE]
    # Asked 17 days ago with 14 days to answer: the deadline passed three days ago.
    work(world, line, made[1], ["start_screening"], 18, caseworker=cw2)
    with line.ago(17):
        from app.services.cases import hearing
        hearing.request_information(made[1], cw2, "Hvor mange deltagere forventer I på holdet?")
    work(world, line, made[3], ["start_screening", "start_assessment"], 7)
    with line.ago(5):
        pool = world.pools["aktivitet"]
        scores = {c.id: assessment.ScoreInput(score, text) for c, (score, text) in zip(pool.criteria, SCORES)}
        assessment.save_assessment(made[3], cw1, scores, 30_000, (
            "Klubben har mange medlemmer under 25 år og samarbejder med skolerne. Budgettet til transport er højt, "
            "så vi indstiller 30.000 kr. i stedet for de ansøgte 38.000 kr."))
        case_notes.add_note(made[3], cw1, "Talte med formanden i telefonen: hestene lejes hos en nabo, ikke købt.")


def _after_decision(world, line) -> None:
    """A paid batch, a report to write, a closed new initiative with a public story, two grants to pay."""
    ids = {}
    for key, pool_key, index, title, amount, submitted, decided in GRANTED:
        ids[key] = apply(world, line, pool_key, index, title, amount, submitted)
        steps = ["start_screening", "start_assessment", "recommend", "decide_grant"]
        work(world, line, ids[key], steps, decided + len(steps) - 1, amount=amount)
        if key == "story":
            _paid_and_reported(world, line, ids)


def _paid_and_reported(world, line, ids: dict) -> None:
    cw = world.staff["cw1"]
    with line.ago(50):
        batch = payouts.create_batch(cw, line.day(-50))
        if payouts.pending_approval(batch.id) is not None:  # to-mandsregel: a colleague approves
            payouts.answer_batch(batch.id, world.staff["cw2"], approve=True)
        payouts.mark_sent(batch.id, cw)
    with line.ago(48):
        payouts.mark_paid(batch.id, cw)
    with line.ago(40):
        for case_id in ids.values():
            reporting.review(case_id, "request_report", cw)
    scout = world.chair_of(2)
    with line.ago(20, hour=20):
        accounts = FileStorage(io.BytesIO("Regnskab;Beløb\nMaterialer;2500\nTransport;1500\n".encode()),
                               filename="regnskab.csv")
        reporting.submit_report(ids["story"], scout, reporting.ReportInput(
            activity_text="Otte familier har været med til spejd hver lørdag.", participants={"0_12": 14, "25_64": 10},
            story_text="Børn og forældre bygger bål og shelter sammen. Tre familier er blevet nye medlemmer.",
            story_consent=True), accounts)
    with line.ago(15):
        reporting.review(ids["story"], "approve_report", cw)
    with line.ago(30, hour=21):
        _listings(world)


def _listings(world) -> None:
    club, swim = world.associations[0], world.associations[1]
    directory.save_listing(club.id, world.members[club.id], directory.ListingInput(
        is_public=True, description="Fodboldklub for børn og unge i Eksempelby. Alle kan være med.",
        contact="kontakt1@forening.example", website="https://nordstjernen.example",
        activities=[directory.ActivityInput("Børnefodbold", "Leg med bold for de mindste og hold for 8-12-årige.",
                                            frozenset({"0_12"}), "Tirsdag og torsdag kl. 16.30-17.30",
                                            "Nordstjernens baner, Foreningsvej 1"),
                    directory.ActivityInput("Ungdomsfodbold", "Drenge- og pigehold, der spiller i turnering.",
                                            frozenset({"13_18"}), "Mandag og onsdag kl. 17-18.30",
                                            "Nordstjernens baner, Foreningsvej 1")]))
    directory.save_listing(swim.id, world.members[swim.id], directory.ListingInput(
        is_public=False, description="Udkast: vises ikke, før klubben vælger det."))

"""The demo's yearly cycle: this year's årlig indberetning, reported, reviewed, calculated and decided.

Eight approved associations report for the current subsidy year (one of them late, one asked a question
first); the administrator sets up aktivitetstilskud (per member under 25, as in Viborg) and lokaletilskud
(65 % of premises costs capped per activity hour, reduced for members over 25, as in Favrskov); the
committee approves both calculations at one meeting. Next year's two pools are ready, so an administrator
trying the demo can open next year's reporting and set up its schemes.
"""
from __future__ import annotations

import io
from dataclasses import replace

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from werkzeug.datastructures import FileStorage

from app.demo.pools import library_entry
from app.extensions import db
from app.models import Pool, SubsidyScheme
from app.services.committee import decisions, meetings, subsidy_batches
from app.services.yearly import batches, campaigns, reports, review, schemes
from workflows import registry

OPENED, DEADLINE = -190, -150  # days from the seed's today
MEETING = 120  # days ago: the committee approved both calculations
# (association index, members {band: (in, out)}, paying, fee income, activities [(name, hours, premises)],
#  premises costs {type: kr}, days ago submitted)
REPORTS = [
    (0, {"7_12": (64, 3), "13_17": (41, 2), "18_24": (12, 1), "25_59": (30, 0)}, 150, 112_500,
     [("Fodbold for børn og unge", 420, "Kunstgræsbanen ved skolen"), ("Seniorfodbold", 90, "Kunstgræsbanen")],
     {}, 170),
    (1, {"0_6": (18, 0), "7_12": (52, 4), "13_17": (20, 1), "25_59": (14, 0)}, 109, 70_850,
     [("Svømmeskole", 300, "Svømmehallen")], {}, 165),
    (2, {"7_12": (38, 0), "13_17": (22, 0), "18_24": (8, 0), "25_59": (16, 0)}, 84, 25_200,
     [("Spejdermøder", 260, "Egen hytte"), ("Weekendture", 96, "Egen hytte")],
     {"interest": 14_000, "maintenance": 21_000, "utilities": 18_500, "insurance": 6_200}, 160),
    (4, {"7_12": (12, 0), "13_17": (9, 1), "18_24": (5, 0), "25_59": (21, 0), "60_plus": (9, 0)}, 57, 22_800,
     [("Skoleskak", 80, "Lejet lokale"), ("Klubaften", 120, "Lejet lokale")],
     {"rent": 36_000, "utilities": 4_800, "cleaning": 3_000}, 158),
    (6, {"0_6": (22, 0), "7_12": (71, 2), "13_17": (33, 0), "18_24": (14, 1), "25_59": (8, 0)}, 151, 98_150,
     [("Børnegymnastik", 310, "Hallen"), ("Springhold", 180, "Egen springhal")],
     {"rent": 96_000, "utilities": 22_000, "cleaning": 14_000, "insurance": 5_500}, 155),
    (7, {"13_17": (6, 0), "18_24": (9, 2), "25_59": (26, 3), "60_plus": (12, 0)}, 58, 29_000,
     [("Kor", 90, "Lejet sal")], {"rent": 18_000}, 152),
    (14, {"7_12": (15, 0), "13_17": (18, 0), "18_24": (4, 0), "25_59": (6, 0)}, 43, 12_900,
     [("Ridning", 210, "Egen ridehal")], {"rent": 48_000, "maintenance": 12_000, "utilities": 9_000}, 140),
    (11, {"0_6": (4, 0), "7_12": (9, 0), "13_17": (3, 0), "25_59": (2, 0)}, 7, 400,
     [("Badminton for børn", 60, "Hallen")], {}, 151),
]
QUESTIONED = 2  # the association asked a question first; the rideklub (14) reports 10 days late
ACTIVITY = {"basis": "per_member", "rate": 205, "bands": ["0_6", "7_12", "13_17", "18_24"],
            "minimum_fee": 75, "late_twelfths": 1}
PREMISES = {"basis": "cost_share", "cost_percent": 65, "cap_per_hour": 131, "over25_threshold": 10,
            "late_twelfths": 1, "cost_types": ["rent", "interest", "maintenance", "utilities", "cleaning", "insurance"]}


def seed_yearly(world, line) -> None:
    """This year's pools, reporting, schemes and decided batches; next year's pools ready for the demo."""
    year = line.seeded_on.year
    pools = {year: _pools(world, line, year), year + 1: _pools(world, line, year + 1)}
    admin, cw = world.staff["admin"], world.staff["cw1"]
    with line.ago(-OPENED + 5):
        campaign = campaigns.open_campaign(admin, campaigns.CampaignInput(
            year, line.day(OPENED), line.day(DEADLINE), intro="Indberet medlemstal, aktiviteter, lokaleudgifter og "
            "regnskab for sidste år. Indberetningen er grundlaget for aktivitetstilskud og lokaletilskud."))
        for kind, (pool, formula) in {"activity": (pools[year][0], ACTIVITY),
                                      "premises": (pools[year][1], PREMISES)}.items():
            schemes.create_scheme(admin, schemes.SchemeValues(pool.name, kind, campaign.id, pool.id, dict(formula)))
    for row in sorted(REPORTS, key=lambda r: -r[-1]):
        _report(world, line, campaign, row, cw)
    with line.ago(-DEADLINE - 30):
        campaigns.set_status(campaign.id, admin, "closed")
    _decided(world, line, campaign)


def _decided(world, line, campaign) -> None:
    """The caseworker calculates both schemes; the committee approves them as two items of one meeting."""
    cw, chair = world.staff["cw1"], world.staff["chair"]
    with line.ago(MEETING + 10):
        meeting = meetings.create_meeting(world.committees["kfu"].id, line.day(-MEETING), "Ordinært møde",
                                          "Rådhuset, mødelokale 2", cw)
        made = [batches.calculate_batch(scheme.id, cw)
                for scheme in db.session.scalars(db.select(SubsidyScheme).where(
                    SubsidyScheme.campaign_id == campaign.id).order_by(SubsidyScheme.id))]
        for batch in made:
            subsidy_batches.put_on_agenda(batch.id, meeting.id, cw)
    with line.ago(MEETING, hour=17):
        for batch in made:
            subsidy_batches.record_batch_proposal(meeting.id, batch.id, chair, "approve")
    with line.ago(MEETING, hour=19):
        decisions.close_meeting(meeting.id, chair)


def _pools(world, line, year: int) -> tuple[Pool, Pool]:
    """Aktivitetstilskud paid at once, lokaletilskud as quarterly advances; both calculated, never applied for."""
    with line.ago(-OPENED + 10):
        common = dict(committee_id=world.committees["kfu"].id, workflow=registry.YEARLY_SUBSIDY, year=year,
                      applicants="approved", requires_approval=True, is_published=year == line.seeded_on.year,
                      is_rolling=True, opens_on=line.day(OPENED),  # never applied for: no deadline of its own
                      cost_centre="KF-FRITID")
        activity = Pool(slug=f"aktivitetstilskud-{year}", name=f"Aktivitetstilskud {year}", budget=400_000,
                        purpose="Tilskud pr. medlem under 25 år, beregnet ud fra den årlige indberetning.",
                        legal_basis_id=library_entry("folkeoplysning-18").id, account_code="0.35.62.5.9", **common)
        premises = Pool(slug=f"lokaletilskud-{year}", name=f"Lokaletilskud {year}", budget=600_000,
                        purpose="Tilskud til driften af foreningers egne og lejede lokaler (folkeoplysningslovens "
                        "§ 25), beregnet ud fra den årlige indberetning og udbetalt som kvartalsvise acontobeløb.",
                        legal_basis_id=library_entry("folkeoplysning-25").id, payment_mode="instalments",
                        instalment_count=4, instalment_interval=3, advance_allowed=True,
                        # Kontering as the other pools (app/demo/pools.py), on function 0.35.63 (lokaletilskud).
                        account_code="0.35.63.5.9", **common)
        db.session.add_all([activity, premises])
        db.session.flush()
    return activity, premises


def _pdf(title: str, lines: list[str]) -> FileStorage:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setTitle(title)
    page.drawString(72, 770, title)
    for i, text in enumerate(lines):
        page.drawString(72, 740 - 18 * i, text)
    page.save()
    return FileStorage(io.BytesIO(out.getvalue()), filename=f"{title.lower().replace(' ', '-')}.pdf",
                       content_type="application/pdf")


def _report(world, line, campaign, row, cw) -> None:
    index, members, paying, fees, activities, costs, days_ago = row
    association, chair = world.associations[index], world.chair_of(index)
    income = fees + sum(costs.values()) // 2 + 40_000
    expenses = income - 3_500
    data = reports.ReportInput(
        members={band: {"in": n_in, "out": n_out} for band, (n_in, n_out) in members.items()},
        paying_members=paying, fee_income=fees,
        activities=tuple({"name": n, "hours": h, "premises": p} for n, h, p in activities),
        premises_costs=dict(costs), accounts_income=income, accounts_expenses=expenses, accounts_result=3_500,
        accounts_approved_on=line.day(-days_ago - 12))
    files = {"accounts": _pdf(f"Aarsregnskab {campaign.year - 1}", [association.name, f"Indtaegter: {income} kr.",
                                                                     f"Udgifter: {expenses} kr."]),
             "auditor": _pdf("Revisorerklaering", [association.name, "Regnskabet giver et retvisende billede."])}
    with line.ago(days_ago, hour=20):
        report = reports.save(campaign.id, association, chair, data, files, expected_version=0, submit=True)
    if index == QUESTIONED:
        with line.ago(days_ago - 3):
            review.ask_question(report.id, cw, "Hytten er jeres egen: hvad dækker vedligeholdelsen på 21.000 kr.?")
        with line.ago(days_ago - 5, hour=21):
            answer = "Nyt tagpap og maling af vinduerne. Fakturaerne kan sendes."
            reports.save(campaign.id, association, chair, replace(data, answer=answer), {}, expected_version=None,
                         submit=True)
    with line.ago(days_ago - 8):
        review.approve(report.id, cw)

"""The demo's committee work: a meeting held two weeks ago, with its decisions and letters, and one ahead."""
from __future__ import annotations

from app.demo.cases import apply, work
from app.extensions import db
from app.models import Case, Pool
from app.services.cases import assessment, hearing
from app.services.committee import decisions, meetings

# (pool, association index, title, applied, recommended, recommendation, days ago submitted)
AHEAD = [
    ("aktivitet", 6, "Springgrav og nye måtter til børneholdene", 90_000, 70_000,
     "Foreningen har 140 medlemmer under 25 år og venteliste på børneholdene. Springgraven er godt begrundet, men "
     "måtterne kan delvist lånes af skolen. Vi indstiller 70.000 kr.", 20),
    ("nye", 25, "Musikfestival for unge i Østerbyen", 24_000, 24_000,
     "Et nyt initiativ, som unge selv har taget. Festivalen samarbejder med ungdomsskolen og er gratis. Vi indstiller, "
     "at der bevilges det ansøgte beløb.", 16),
]
HELD = [
    ("aktivitet", 17, "Kostumer og lys til børneteatret", 60_000, 60_000,
     "Teaterforeningen spiller for 300 skolebørn om året. Udgifterne er rimelige. Vi indstiller det ansøgte beløb.", 45),
    ("nye", 21, "Fællesspisning for nye i byen", 20_000, 20_000,
     "Et nyt fællesskab for tilflyttere, som kommunen gerne vil støtte. Vi indstiller det ansøgte beløb.", 42),
]
HELD_DAYS_AGO = 14
PARTLY_REASON = ("Udvalget støtter fællesspisningen, men ikke indkøb af køkkenudstyr, som foreningen kan låne i "
                 "medborgerhuset. Udvalget bevilger derfor 16.000 kr. af de ansøgte 20.000 kr.")


def _to_committee(world, line, row) -> int:
    pool_key, index, title, applied, recommended, text, days = row
    case_id = apply(world, line, pool_key, index, title, applied, days)
    work(world, line, case_id, ["start_screening", "start_assessment"], days - 1)
    with line.ago(days - 3):
        cw = world.staff["cw1"]
        scores = {c.id: assessment.ScoreInput(4 - n, "") for n, c in enumerate(world.pools[pool_key].criteria)}
        assessment.save_assessment(case_id, cw, scores, recommended, text)
        hearing.confirm_hearing(case_id, cw, "not_needed", "Afgørelsen bygger kun på foreningens egne oplysninger.")
    work(world, line, case_id, ["recommend", "send_to_committee"], days - 3)
    return case_id


def seed_meetings(world, line) -> None:
    """Kultur- og Fritidsudvalget: a closed meeting with decisions and minutes, and a planned one in four days."""
    kfu, cw, chair = world.committees["kfu"], world.staff["cw1"], world.staff["chair"]
    held_cases = [_to_committee(world, line, row) for row in HELD]
    with line.ago(30):
        held = meetings.create_meeting(kfu.id, line.day(-HELD_DAYS_AGO), "Ordinært møde", "Rådhuset, mødelokale 2", cw)
    with line.ago(HELD_DAYS_AGO + 7):
        meetings.add_to_agenda(held.id, held_cases, cw)
    with line.ago(HELD_DAYS_AGO, hour=17):
        items = {item.case_id: item for item in meetings.items_of(held.id)}
        meetings.record_proposal(held.id, items[held_cases[0]].id, chair, meetings.ProposalInput("grant"))
        meetings.record_proposal(held.id, items[held_cases[1]].id, chair,
                                 meetings.ProposalInput("partly", amount=16_000, reason=PARTLY_REASON))
        decisions.close_meeting(held.id, chair)
    for row in AHEAD:
        _to_committee(world, line, row)
    with line.ago(10):
        ahead = meetings.create_meeting(kfu.id, line.day(4), "Ordinært møde", "Rådhuset, mødelokale 2", cw)
    with line.ago(1):
        waiting = db.session.scalars(db.select(Case.id).join(Pool, Pool.id == Case.pool_id).where(
            Pool.committee_id == kfu.id, Case.state_has("awaiting_committee"))).all()
        meetings.add_to_agenda(ahead.id, list(waiting), cw)

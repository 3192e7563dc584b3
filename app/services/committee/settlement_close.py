"""The committee settles lokaletilskud advances: at the meeting's close, a corrected decision for every line.

Called by subsidy_batches.decide inside decisions.close_meeting's unit of work, with the cases, the pool and the
batch locked. The committee approved the advance, so the committee settles it: each line becomes a new decision
on the advance's case (correcting its latest decision) with the final amount and the settlement's steps. Then
the money follows the difference: more is paid through the plan (a new instalment when none is open); less
reduces the open instalments, and what was already sent above the final amount is claimed back.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale, lazy_gettext as _l
from sqlalchemy import func

from app import clock
from app.extensions import db
from app.formatting import money
from app.models import Case, CaseEvent, Decision, Meeting, SubsidyBatch, SubsidyBatchLine, User
from app.services.cases import transitions
from app.services.committee import letters
from app.services.money import payouts, repayment
from app.services.pools import limits
from app.services.yearly.steps_text import describe
from workflows import registry

REPAYMENT_DAYS = 30  # the claim's payment deadline, counted from the meeting's close


def settled_cases(meeting_id: int) -> set[int]:
    """The advance cases of the settlements waiting on the meeting's agenda (locked by the close with its cases)."""
    return set(db.session.scalars(db.select(SubsidyBatchLine.case_id).join(
        SubsidyBatch, SubsidyBatch.id == SubsidyBatchLine.batch_id).where(
        SubsidyBatch.meeting_id == meeting_id, SubsidyBatch.status == "on_agenda",
        SubsidyBatch.settles_batch_id.is_not(None), SubsidyBatchLine.case_id.is_not(None))))


def _lines(batch: SubsidyBatch) -> list[SubsidyBatchLine]:
    return list(db.session.scalars(db.select(SubsidyBatchLine).where(SubsidyBatchLine.batch_id == batch.id)
                                   .options(db.joinedload(SubsidyBatchLine.association))
                                   .order_by(SubsidyBatchLine.id)))


def added_to_pool(batch: SubsidyBatch) -> int:
    """What the settlement adds to the pool's granted total: the final amounts less the grants they replace."""
    case_ids = [line.case_id for line in _lines(batch)]
    replaced = db.session.scalar(db.select(func.coalesce(func.sum(Case.granted_amount), 0))
                                 .where(Case.id.in_(case_ids))) if case_ids else 0
    return batch.total - int(replaced or 0)


def stale_lines(batch: SubsidyBatch) -> list[str]:
    """Associations whose grant changed after the settlement was calculated (a correction): it must be recalculated."""
    return [line.association.name for line in _lines(batch)
            if line.case_id is None or db.session.get(Case, line.case_id).granted_amount != line.advance]


def settle(batch: SubsidyBatch, meeting: Meeting, user: User) -> None:
    """Make the approved settlement final: one corrected decision per line, and the money that follows."""
    for line in _lines(batch):
        _settle_line(line, batch, meeting, user)


def _latest_decision(case_id: int) -> Decision | None:
    return db.session.scalar(db.select(Decision).where(Decision.case_id == case_id)
                             .order_by(Decision.decided_at.desc(), Decision.id.desc()).limit(1))


def _settle_line(line: SubsidyBatchLine, batch: SubsidyBatch, meeting: Meeting, user: User) -> None:
    case, now = db.session.get(Case, line.case_id), clock.now()
    previous = _latest_decision(case.id)
    claim = _money_after(case, line, user)
    _close_when_nothing_is_left(case, user)
    note = difference_sentence(line, claim)
    decision = Decision(case_id=case.id, outcome=previous.outcome if previous else case.state, amount=line.amount,
                        reason=f"{settlement_reason(line, batch)} {note}".strip(),
                        legal_basis=previous.legal_basis if previous else "",
                        appeal_text=previous.appeal_text if previous else "", delegated=False,
                        decided_by_id=user.id, decided_at=now, meeting_id=meeting.id,
                        corrects_id=previous.id if previous else None, correction_note=note)
    db.session.add(decision)
    db.session.add(CaseEvent(
        case_id=case.id, actor_id=user.id, kind="decision_corrected", action="settle_advance",
        comment=f"{meeting.committee.name} afregnede acontotilskuddet på mødet den "
                f"{meeting.meeting_date.strftime('%d.%m.%Y')} (endeligt tilskud: {money(line.amount, locale='da')}). "
                f"{note}"))
    db.session.flush()
    letters.enqueue_letter(decision, case)


def _money_after(case: Case, line: SubsidyBatchLine, user: User) -> int:
    """Set the final grant and move the money: re-plan what is open, claim what was sent above the final amount.

    Returns the amount claimed back (0 when none)."""
    if line.amount == (case.granted_amount or 0):
        return 0
    case.granted_amount = line.amount
    db.session.flush()
    payouts.replan_open_instalments(case, user)  # more: a new or larger open instalment; less: smaller ones
    overpaid = limits.committed_for(case.id) - line.amount
    if overpaid <= 0:
        return 0
    today = clock.today()
    with force_locale("da"):
        reason = (f"Det endelige lokaletilskud er {money(line.amount)}, men I har fået "
                  f"{money(line.amount + overpaid)} udbetalt i acontotilskud.")
    repayment.issue_claim(case, user, overpaid, reason, today + timedelta(days=REPAYMENT_DAYS), today)
    return overpaid


def _close_when_nothing_is_left(case: Case, user: User) -> None:
    """A payable case that has nothing left to pay (all paid, or a final amount of 0) moves on as its last payout
    would have moved it; one with an instalment still open or on its way is moved by that payout."""
    if not case.state_has("payable"):
        return
    rows = payouts.plan(case.id)
    if any(r.paid_at is None for r in rows) or (not rows and (case.granted_amount or 0) > 0):
        return
    transition = next((t for t in registry.get(case.workflow).transitions_from(case.state) if t.action == "mark_paid"),
                      None)
    if transition is None:
        return
    source, case.state = case.state, transition.target
    transitions.journal_transition(case, user, transition.action, source, transition.target,
                                   "Afregningen af acontotilskuddet: der er ikke mere at udbetale.")


def settlement_reason(line: SubsidyBatchLine, batch: SubsidyBatch) -> str:
    """How the final amount was calculated, in Danish whatever the chair's language."""
    with force_locale("da"):
        steps = " ".join(describe(step) for step in line.steps or [])
        year = batch.scheme.campaign.year
        return (f"Acontotilskuddet for {year} er afregnet efter reglerne for {batch.scheme.name} ud fra jeres "
                f"indberetning for {batch.settlement_campaign.year}. {steps}").strip()


def difference_sentence(line: SubsidyBatchLine, claimed: int) -> str:
    """The difference between the advance and the final amount, and what it means for the money, in one sentence."""
    with force_locale("da"):
        difference = line.difference
        if difference > 0:
            return (f"Det endelige tilskud er {money(difference)} mere end acontotilskuddet på "
                    f"{money(line.advance or 0)}, og forskellen bliver udbetalt til jer.")
        if difference == 0:
            return (f"Det endelige tilskud er det samme som acontotilskuddet på {money(line.advance or 0)}, så "
                    f"acontotilskuddet står ved magt, og der skal hverken udbetales mere eller betales tilbage.")
        if claimed:
            return (f"Det endelige tilskud er {money(-difference)} mindre end acontotilskuddet på "
                    f"{money(line.advance or 0)}; I har fået {money(claimed)} for meget udbetalt og skal betale "
                    f"beløbet tilbage, som beskrevet i et særskilt brev.")
        return (f"Det endelige tilskud er {money(-difference)} mindre end acontotilskuddet på "
                f"{money(line.advance or 0)}, så de udbetalinger, I endnu ikke har fået, bliver tilsvarende mindre.")


def close_problems(batch: SubsidyBatch) -> list:
    """Why an approved settlement cannot be made final (besides the budget, which subsidy_batches checks)."""
    stale = stale_lines(batch)
    if stale:
        return [_l("Acontotilskuddet til %(associations)s er ændret, efter afregningen af %(name)s blev beregnet. "
                   "Udsæt afregningen, og beregn den igen.", associations=", ".join(stale), name=batch.scheme.name)]
    return []

"""Final decisions: the chair closes a meeting (every decision in one commit), corrections, the minutes."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.formatting import money
from app.models import (AgendaItem, Case, CaseEvent, CommitteeMember, Decision, Meeting,
                        MoneyApproval, OutboxMessage, Pool, User)
from app.pdf.data import MinutesData, MinutesItem, PoolLine
from app.pdf.renderers import render_minutes
from app.services.committee import letters, meetings, settlement_close, subsidy_batches
from app.services.delivery import notices, outbox
from app.services.delivery.letterhead import sender
from app.services.integrations import events
from app.services.money import payouts
from app.services.cases import core as case_rules, transitions
from app.services.cases.guard import (NotAllowed, case_conflicts, flush_or_stale, lock_case, mark_changed, refuse,
                                     require_caseworker_on)
from app.services.pools import limits
from app.services.unit_of_work import use_case
from workflows import TransitionNotAllowed, registry


class CloseRefused(NotAllowed):
    """The meeting cannot close yet; `problems` says why, one sentence per case or pool."""

    def __init__(self, problems: list) -> None:
        super().__init__(" ".join(str(p) for p in problems))
        self.problems = problems


@use_case
def close_meeting(meeting_id: int, user: User) -> bool:
    """Make every decision on the agenda final in one commit; False when the meeting was closed already."""
    meeting = db.session.get(Meeting, meeting_id, with_for_update=True, populate_existing=True)
    if meeting is None:
        raise meetings.MeetingNotFound()
    if meeting.status == "closed":
        return False
    chair = meetings.seat(user, meeting.committee_id)
    if chair is None or not chair.is_chair:
        refuse(_l("Kun udvalgets formand kan afslutte mødet."))
    items = [i for i in meetings.items_of(meeting.id) if i.is_open]
    batches = _lock(items, meeting.id)
    lines = meetings.budget_lines(items)
    proposed = {line.pool.id: line.proposed for line in lines}
    problems = (_problems(items, user) + _budget_problems(lines)
                + subsidy_batches.close_problems(batches, user, proposed))
    if problems:
        raise CloseRefused(problems)
    before = {str(line.pool.id): line.granted for line in lines}
    before.update({str(pid): limits.granted_in_pool(pid) for pid in {b.scheme.pool_id for b in batches}})
    # The chair's roles and conflicts, read once for the whole agenda (not two queries per case).
    deciding = [i.case for i in items if i.proposal != "postpone"]
    roles = case_rules.roles_for_cases(user, deciding)
    inhabil = {case_id for case_id, _user in case_conflicts([c.id for c in deciding], [user.id])}
    with (letters.requests_in_one_flush(), events.subscribers_read_once(),
          notices.one_notice_per_caseworker(meeting)):
        for item in items:
            _decide(item, meeting, user, roles, inhabil)
    for batch in batches:
        subsidy_batches.decide(batch, meeting, user)
    _finish(meeting, items, before, user)
    flush_or_stale()
    return True


def _lock(items: list[AgendaItem], meeting_id: int) -> list:
    """Lock the cases, the pools and the subsidy batches on the agenda, each in id order.

    Always case, pool, batch (as calculate_batch takes pool before batch), so two closes or a close and a
    calculation cannot deadlock; the meeting row, locked first, keeps batches from joining the agenda meanwhile.
    """
    # A settlement on the agenda corrects the advance cases it settles: they are locked with the agenda's own.
    case_ids = sorted({i.case_id for i in items} | settlement_close.settled_cases(meeting_id))
    if case_ids:
        # Read afresh with association and pool: populate_existing drops the relationships items_of loaded,
        # and every decision reads both (two lazy loads per case otherwise).
        db.session.scalars(db.select(Case).where(Case.id.in_(case_ids)).order_by(Case.id)
                           .options(db.joinedload(Case.association), db.joinedload(Case.pool))
                           .with_for_update(of=Case).execution_options(populate_existing=True)).unique().all()
    pool_ids = sorted({i.case.pool_id for i in items} | subsidy_batches.pools_on_meeting(meeting_id))
    if pool_ids:
        db.session.scalars(db.select(Pool.id).where(Pool.id.in_(pool_ids)).order_by(Pool.id).with_for_update()).all()
    return subsidy_batches.lock_on_meeting(meeting_id)


def _problems(items: list[AgendaItem], chair: User) -> list:
    inhabil = {case_id for case_id, _user in case_conflicts([i.case_id for i in items], [chair.id])}
    out = []
    for item in items:
        case, number = item.case, item.case.number or str(item.case.id)
        if item.proposal is None:
            out.append(_l("Sag %(number)s mangler en beslutning.", number=number))
        elif item.proposal == "postpone":
            continue
        elif not case.state_has("awaiting_committee"):
            out.append(_l("Sag %(number)s er ikke længere til behandling i udvalget. Tag den af dagsordenen.",
                          number=number))
        elif item.case_id in inhabil:
            out.append(_l("Du er inhabil i sag %(number)s og kan ikke træffe afgørelsen. Udsæt sagen.", number=number))
        elif item.proposal in ("partly", "reject") and not case.hearing_confirmed:
            out.append(_l("Partshøringen er ikke bekræftet i sag %(number)s. Sagsbehandleren skal bekræfte den, "
                          "eller sagen skal udsættes.", number=number))
    return out


def _budget_problems(lines: list[meetings.BudgetLine]) -> list:
    # The same budget rule as every single decision (pools/limits.py), here for the whole agenda at once.
    return [_l("Puljen %(pool)s har %(left)s tilbage, men dagsordenen bevilger %(proposed)s.", pool=line.pool.name,
               left=money(line.pool.budget - line.granted), proposed=money(line.proposed))
            for line in lines if limits.over_budget(line.pool.budget, line.granted, line.proposed)]


def _decide(item: AgendaItem, meeting: Meeting, user: User, roles: dict[int, frozenset[str]],
            inhabil: set[int]) -> None:
    item.is_open = False
    if item.proposal == "postpone":
        item.outcome = "postponed"
        return
    case = item.case
    # budget_checked: _budget_problems has checked every pool for the whole agenda, with the pools locked.
    given = transitions.ActionInput(
        comment=item.comment or None, reason=item.reason or None, meeting_id=meeting.id, budget_checked=True,
        amount=item.proposed_amount if item.proposal == "partly" else None)
    try:
        outcome = transitions.apply_transition(case, meetings.committee_action(case, item.proposal), user, given,
                                               roles=roles[case.id], is_inhabil=case.id in inhabil)
    except (TransitionNotAllowed, transitions.ReasonRequired, transitions.AmountRequired, limits.AmountRefused) as exc:
        # apply_transition is no use case, so nothing is doomed yet: the refusal below voids the close.
        reason = getattr(exc, "message", "") or _l("afgørelsen er ikke mulig")
        raise CloseRefused([_l("Sag %(number)s: %(reason)s", number=case.number or case.id, reason=reason)]) from exc
    item.outcome = outcome.target


def _finish(meeting: Meeting, items: list[AgendaItem], before: dict[str, int], user: User) -> None:
    meeting.status, meeting.closed_at, meeting.closed_by_id = "closed", clock.now(), user.id
    db.session.flush()
    made = dict(db.session.execute(db.select(Decision.case_id, Decision.id).where(Decision.meeting_id == meeting.id)).all())
    for item in items:
        item.decision_id = made.get(item.case_id)
    outbox.enqueue("meeting_minutes", current_app.config["MUNICIPALITY_EMAIL"],
                   {"meeting_id": meeting.id, "granted_before": before}, channel="letter",
                   dedup_key=f"meeting-minutes:{meeting.id}")


def render_minutes_letter(msg: OutboxMessage) -> None:
    """The letter channel's renderer for "meeting_minutes" (bound in app/wiring.py)."""
    issue_minutes(msg.payload["meeting_id"], msg.payload)


def issue_minutes(meeting_id: int, payload: dict) -> None:
    """Render and store the minutes of a closed meeting; nothing if they exist already."""
    meeting = db.session.get(Meeting, meeting_id, with_for_update=True)
    if meeting is None or meeting.status != "closed":
        raise LookupError(f"meeting {meeting_id} is not closed")
    if meeting.minutes_document_id is not None:
        return
    data = minutes_data(meeting, {int(k): v for k, v in (payload.get("granted_before") or {}).items()})
    pdf = render_minutes(data, created=clock.now())
    document = letters.store_pdf(pdf, f"beslutningsprotokol-{meeting.id}.pdf",
                                 f"Beslutningsprotokol: {meeting.committee.name}, {meeting.meeting_date.isoformat()}")
    meeting.minutes_document_id = document.id


def minutes_data(meeting: Meeting, granted_before: dict[int, int]) -> MinutesData:
    """What the minutes say, from the closed agenda."""
    items = meetings.items_of(meeting.id)
    seats = db.session.scalars(db.select(CommitteeMember).where(CommitteeMember.committee_id == meeting.committee_id)
                               .options(db.joinedload(CommitteeMember.user))).all()
    names = {s.user_id: s.user.full_name for s in seats}
    conflicts: dict[int, list[str]] = {}
    for case_id, user_id in case_conflicts([i.case_id for i in items], names):
        conflicts.setdefault(case_id, []).append(names[user_id])
    amounts = dict(db.session.execute(db.select(Decision.id, Decision.amount).where(Decision.meeting_id == meeting.id)).all())
    now: dict[int, int] = {}
    for item in items:
        now[item.case.pool_id] = now.get(item.case.pool_id, 0) + (amounts.get(item.decision_id) or 0)
    pools = {i.case.pool_id: i.case.pool for i in items}
    batch_items = subsidy_batches.minutes_items(meeting, len(items))
    for pool, granted, _item in batch_items:
        pools[pool.id] = pool
        now[pool.id] = now.get(pool.id, 0) + granted
    return MinutesData(
        sender=sender(), committee=meeting.committee.name, meeting_date=meeting.meeting_date,
        title=meeting.title, location=meeting.location, closed_on=letters.local_date(meeting.closed_at),
        chair=meeting.closed_by.full_name if meeting.closed_by else "",
        members=tuple(sorted(n for uid, n in names.items())),
        items=tuple(_minutes_item(n, i, amounts, conflicts) for n, i in enumerate(items, start=1))
        + tuple(entry for _pool, _granted, entry in batch_items),
        pools=tuple(PoolLine(p.name, p.budget, granted_before.get(pid, 0), now.get(pid, 0))
                    for pid, p in sorted(pools.items(), key=lambda kv: kv[1].name)))


def _minutes_item(number: int, item: AgendaItem, amounts: dict, conflicts: dict) -> MinutesItem:
    case, decided = item.case, item.outcome not in (None, "postponed")
    # The minutes name the decision with the state's own label, and the amount only where money is granted.
    words = registry.get(case.workflow).state(item.outcome).staff_label if decided else None
    pays = decided and registry.has_tag(case.workflow, item.outcome, "payable")
    return MinutesItem(number=number, case_number=case.number or str(case.id), association=case.association.name,
                       title=case.title, pool_name=case.pool.name, amount_applied=case.amount_applied,
                       recommended_amount=case.recommended_amount, decision=words,
                       amount_granted=amounts.get(item.decision_id) if pays else None, reason=item.reason,
                       comment=item.comment, inhabil=tuple(sorted(conflicts.get(case.id, []))))


@use_case
def correct_decision(decision_id: int, user: User, *, note: str, reason: str,
                     amount: int | None) -> Decision | MoneyApproval:
    """A correction: a new decision that refers to the old one, with its own letter. The old one is untouched.

    A committee's decision is corrected only by the committee. Under the to-mandsregel (FOUR_EYES) a new
    amount is only proposed: it takes effect when another caseworker approves it (answer_correction).
    """
    old = db.session.get(Decision, decision_id)
    if old is None:
        raise LookupError(decision_id)
    with transitions.stale_as_case():
        case = lock_case(old.case_id)
        require_caseworker_on(case, user)
        if old.meeting_id is not None or not old.delegated:
            refuse(_l("Afgørelsen er truffet af udvalget. Den kan kun rettes af udvalget: sæt sagen på et møde igen."))
        _check_correction(old, note, reason, amount)
        if amount is not None and old.amount is not None and amount != old.amount:
            _check_corrected_amount(case, amount, old)  # the limits, also before a proposal waits for approval
        if current_app.config["FOUR_EYES"] and amount is not None and amount != old.amount:
            return _propose_correction(old, case, user, note, reason, amount)
        new = _apply_correction(old, case, user.id, user, note=note, reason=reason, amount=amount)
        flush_or_stale()
    return new


def _apply_correction(old: Decision, case: Case, author_id: int, actor: User, *, note: str, reason: str,
                      amount: int | None) -> Decision:
    new = Decision(case_id=case.id, outcome=old.outcome, amount=old.amount if amount is None else amount,
                   reason=reason.strip(), appeal_text=old.appeal_text, legal_basis=old.legal_basis,
                   delegated=old.delegated, decided_by_id=author_id, decided_at=clock.now(), corrects_id=old.id,
                   meeting_id=old.meeting_id, correction_note=note.strip())
    db.session.add(new)
    db.session.flush()
    if old.amount is not None and new.amount != old.amount:
        case.granted_amount = new.amount
        payouts.replan_open_instalments(case, actor)  # open instalments carry the new amount; sent ones stay
    db.session.add(CaseEvent(case_id=case.id, actor_id=actor.id, kind="decision_corrected", action="correct_decision",
                             comment=note.strip()))
    letters.enqueue_letter(new, case)
    return new


def _propose_correction(old: Decision, case: Case, user: User, note: str, reason: str, amount: int) -> MoneyApproval:
    proposal = MoneyApproval(kind="correction", case_id=case.id, decision_id=old.id, amount=amount,
                             note=note.strip(), reason=reason.strip(), proposed_by_id=user.id)
    db.session.add(proposal)
    mark_changed(case)
    db.session.add(CaseEvent(case_id=case.id, actor_id=user.id, kind="decision_corrected", action="propose_correction",
                             comment=f"Rettelse af beløbet til {money(amount, locale='da')} foreslået; afventer en anden medarbejders "
                                     f"godkendelse (to-mandsregel). {note.strip()}"))
    flush_or_stale()
    return proposal


def pending_corrections(case_id: int) -> list[MoneyApproval]:
    """Corrections proposed on the case that wait for a second person, oldest first."""
    return list(db.session.scalars(db.select(MoneyApproval).where(
        MoneyApproval.kind == "correction", MoneyApproval.case_id == case_id, MoneyApproval.status == "pending")
        .options(db.joinedload(MoneyApproval.proposed_by)).order_by(MoneyApproval.id)))


@use_case
def answer_correction(approval_id: int, user: User, *, approve: bool, answer: str = "") -> MoneyApproval:
    """The second person approves (the correction takes effect, with its letter) or rejects a proposed correction."""
    proposal = db.session.get(MoneyApproval, approval_id)
    if proposal is None or proposal.kind != "correction":
        raise LookupError(approval_id)
    with transitions.stale_as_case():
        case = lock_case(proposal.case_id)
        db.session.refresh(proposal, with_for_update=True)
        require_caseworker_on(case, user)
        if proposal.status != "pending":
            refuse(_l("Rettelsen er allerede godkendt eller afvist af en anden."))
        if proposal.proposed_by_id == user.id:
            refuse(_l("Du kan ikke godkende eller afvise din egen rettelse. En anden medarbejder skal gøre det."))
        proposal.status = "approved" if approve else "rejected"
        proposal.decided_by_id, proposal.decided_at, proposal.answer = user.id, clock.now(), (answer or "").strip()
        mark_changed(case)
        if approve:
            _approve_correction(proposal, case, user)
        else:
            db.session.add(CaseEvent(case_id=case.id, actor_id=user.id, kind="decision_corrected",
                                     action="reject_correction",
                                     comment=f"Rettelsen af beløbet til {money(proposal.amount or 0, locale='da')} er afvist. "
                                             f"{proposal.answer}".strip()))
        flush_or_stale()
    return proposal


def _approve_correction(proposal: MoneyApproval, case: Case, user: User) -> None:
    old = proposal.decision
    if db.session.scalar(db.select(Decision.id).where(Decision.corrects_id == old.id)) is not None:
        refuse(_l("Afgørelsen er rettet på en anden måde imens. Rettelsen kan ikke godkendes."))
    db.session.add(CaseEvent(case_id=case.id, actor_id=user.id, kind="decision_corrected", action="approve_correction",
                             comment=f"Rettelsen af beløbet til {money(proposal.amount or 0, locale='da')} er godkendt (to-mandsregel)."))
    _apply_correction(old, case, proposal.proposed_by_id, user, note=proposal.note, reason=proposal.reason,
                      amount=proposal.amount)


def _check_correction(old: Decision, note: str, reason: str, amount: int | None) -> None:
    if db.session.scalar(db.select(Decision.id).where(Decision.corrects_id == old.id)) is not None:
        refuse(_l("Afgørelsen er allerede rettet. Ret den nyeste afgørelse i stedet."))
    if db.session.scalar(db.select(MoneyApproval.id).where(MoneyApproval.decision_id == old.id,
                                                           MoneyApproval.status == "pending")) is not None:
        refuse(_l("En rettelse af afgørelsen venter allerede på godkendelse. Godkend eller afvis den først."))
    if not (note or "").strip():
        refuse(_l("Skriv, hvad der er rettet, og hvorfor."))
    if not registry.has_tag(old.case.workflow, old.outcome, "granted_in_full") and not (reason or "").strip():
        refuse(_l("Skriv en begrundelse: et afslag eller en delvis bevilling skal begrundes (forvaltningslovens § 22)."))
    if amount is not None and (old.amount is None or amount < 0):
        refuse(_l("Beløbet kan kun rettes på en afgørelse om tilskud."))


def _check_corrected_amount(case: Case, amount: int, old: Decision) -> None:
    """A changed amount obeys the same limits as a decision; the budget counts only the difference.

    The correction keeps the corrected decision's authority (`delegated`): a delegated decision stays within
    the delegation limit; who may correct a committee's decision is the four-eyes rule's question.
    """
    limits.check_grant(case, amount, delegated=old.delegated)
    limits.check_correction_against_plan(case, amount)

"""A calculated subsidy batch on the committee's agenda: one item, one decision, then one case per association.

The batch is put on a planned meeting of its pool's committee; the chair records "approve" or "postpone";
closing the meeting (decisions.close_meeting) checks every batch with the agenda's cases and then turns each
approved batch into granted cases with their decisions, journal entries and letters, in the same commit.

Inhabilitet (forvaltningsloven § 3) is declared per case. A batch has no cases until it is approved, so a
member's declared conflict in any case of an association in the batch counts as a conflict in the batch: that
member may not record the batch's decision, a chair with such a conflict cannot approve it, and the agenda
and minutes name the members concerned.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, lazy_gettext as _l
from sqlalchemy import func

from app import clock
from app.extensions import db
from app.formatting import money
from app.models import (Association, AssociationConflict, Case, CommitteeMember, ConflictDeclaration,
                        Decision, Meeting, SubsidyBatch, SubsidyBatchLine, SubsidyScheme, User)
from app.pdf.data import MinutesItem
from app.services.cases import transitions
from app.services.cases.core import next_case_number
from app.services.cases.guard import conflicted_associations, refuse
from app.services.committee import letters, meetings, settlement_close
from app.services.pools import limits
from app.services.unit_of_work import insert_if_absent, use_case
from app.services.yearly.batches import line_count
from app.services.yearly.steps_text import describe
from workflows import registry

WORKFLOW = registry.YEARLY_SUBSIDY
BATCH_PROPOSALS = ("approve", "postpone")


@dataclass(frozen=True)
class BatchItem:
    """A batch as the agenda shows it."""

    batch: SubsidyBatch
    associations: int
    with_amount: int
    inhabil_names: tuple[str, ...]
    viewer_inhabil: bool

    @property
    def name_in_sentence(self) -> str:
        return in_sentence(self.batch.scheme.name)

    @property
    def title(self) -> str:
        return item_title(self.batch)


def item_title(batch: SubsidyBatch) -> str:
    """'Beregning af aktivitetstilskud 2027' or, for a settlement, 'Afregning af lokaletilskud 2027' (Danish)."""
    word = "Afregning" if batch.is_settlement else "Beregning"
    return f"{word} af {in_sentence(batch.scheme.name)}"


def in_sentence(name: str) -> str:
    """'Aktivitetstilskud 2027' -> 'aktivitetstilskud 2027' inside a sentence (but 'KFUM 2027' stays)."""
    name = name.strip()
    return name[0].lower() + name[1:] if len(name) > 1 and name[0].isupper() and not name[1].isupper() else name


def _lock_batch(batch_id: int) -> SubsidyBatch:
    batch = db.session.get(SubsidyBatch, batch_id, with_for_update=True, populate_existing=True)
    if batch is None:
        raise meetings.MeetingNotFound()
    return batch


def conflicted_association(batch_id: int, user: User) -> str | None:
    """The first association in the batch (by name) `user` is inhabil towards (declared on it or in its cases)."""
    in_batch = db.select(SubsidyBatchLine.association_id).where(SubsidyBatchLine.batch_id == batch_id)
    return db.session.scalar(
        db.select(Association.name).where(Association.id.in_(in_batch),
                                          Association.id.in_(conflicted_associations(user.id)))
        .order_by(Association.name).limit(1))


def conflicted_members(batch: SubsidyBatch, committee_id: int) -> dict[int, str]:
    """The committee's members inhabil towards an association in the batch (on it or in its cases): id -> name."""
    in_batch = db.select(SubsidyBatchLine.association_id).where(SubsidyBatchLine.batch_id == batch.id)
    by_case = (db.select(ConflictDeclaration.user_id).join(Case, Case.id == ConflictDeclaration.case_id)
               .where(Case.association_id.in_(in_batch)))
    by_association = db.select(AssociationConflict.user_id).where(AssociationConflict.association_id.in_(in_batch))
    return dict(db.session.execute(
        db.select(User.id, User.full_name)
        .join(CommitteeMember, (CommitteeMember.user_id == User.id) & (CommitteeMember.committee_id == committee_id))
        .where(User.id.in_(by_case.union(by_association)))).all())


def _require_not_conflicted(batch: SubsidyBatch, user: User) -> None:
    name = conflicted_association(batch.id, user)
    if name is not None:
        refuse(_l("Du har erklæret dig inhabil i en sag for %(association)s, som er med i beregningen. "
                  "Du kan ikke behandle beregningen.", association=name))


@use_case
def put_on_agenda(batch_id: int, meeting_id: int, user: User) -> SubsidyBatch:
    """Put a calculated batch on a planned meeting of its pool's committee, as one item."""
    if user.role not in meetings.PLANNERS:
        refuse(_l("Kun sagsbehandlere og administratorer kan sætte en beregning på dagsordenen."))
    meeting = meetings.lock_planned(meeting_id)
    batch = _lock_batch(batch_id)
    if batch.status != "calculated":
        refuse(_l("Beregningen er allerede på en dagsorden, godkendt eller erstattet af en nyere beregning."))
    if batch.scheme.pool.committee_id != meeting.committee_id:
        refuse(_l("Mødet hører til et andet udvalg end puljen %(pool)s.", pool=batch.scheme.pool.name))
    _require_not_conflicted(batch, user)
    batch.status, batch.meeting_id = "on_agenda", meeting.id
    batch.proposal = batch.proposal_recorded_by_id = None
    return batch


@use_case
def remove_from_agenda(meeting_id: int, batch_id: int, user: User) -> None:
    """Take the batch off a planned meeting again: it is calculated, ready for another meeting."""
    if user.role not in meetings.PLANNERS:
        refuse(_l("Kun sagsbehandlere og administratorer kan ændre dagsordenen."))
    meeting = meetings.lock_planned(meeting_id)
    batch = _lock_batch(batch_id)
    if batch.meeting_id != meeting.id or batch.status != "on_agenda":
        raise meetings.MeetingNotFound()
    _off_agenda(batch)


def _off_agenda(batch: SubsidyBatch) -> None:
    batch.status, batch.meeting_id = "calculated", None
    batch.proposal = batch.proposal_recorded_by_id = None


@use_case
def record_batch_proposal(meeting_id: int, batch_id: int, user: User, proposal: str) -> SubsidyBatch:
    """The chair records the committee's answer on the batch: approve or postpone (final at the close)."""
    meeting = meetings.lock_planned(meeting_id)
    batch = _lock_batch(batch_id)
    if batch.meeting_id != meeting.id or batch.status != "on_agenda":
        raise meetings.MeetingNotFound()
    chair = meetings.seat(user, meeting.committee_id)
    if chair is None or not chair.is_chair:
        refuse(_l("Kun udvalgets formand kan registrere udvalgets beslutning om beregningen."))
    if proposal not in BATCH_PROPOSALS:
        refuse(_l("Vælg en beslutning."))
    if proposal == "approve":
        _require_not_conflicted(batch, user)
    batch.proposal, batch.proposal_recorded_by_id = proposal, user.id
    return batch


@use_case
def declare_conflict(meeting_id: int, batch_id: int, association_id: int, user: User, reason: str) -> None:
    """A committee member declares themself inhabil towards an association in the batch (forvaltningsloven § 3).

    From then on they may not approve the batch (nor act on the association's cases); the minutes name them.
    """
    meeting = meetings.lock_planned(meeting_id)
    batch = _lock_batch(batch_id)
    if batch.meeting_id != meeting.id or meetings.seat(user, meeting.committee_id) is None:
        raise meetings.MeetingNotFound()
    if not reason.strip():
        refuse(_l("Skriv kort, hvorfor du er inhabil."))
    in_batch = db.session.scalar(db.select(SubsidyBatchLine.id).where(SubsidyBatchLine.batch_id == batch.id,
                                                                     SubsidyBatchLine.association_id == association_id))
    if in_batch is None:
        refuse(_l("Vælg en af foreningerne i beregningen."))
    insert_if_absent(AssociationConflict, {"association_id": association_id, "user_id": user.id,
                                           "reason": reason.strip(), "created_at": clock.now()},
                     unique=("association_id", "user_id"))


def batch_associations(batch_id: int) -> list[tuple[int, str]]:
    """(id, name) of the associations in the batch, by name: whom a member may declare a conflict towards."""
    return list(db.session.execute(
        db.select(Association.id, Association.name).join(SubsidyBatchLine, SubsidyBatchLine.association_id == Association.id)
        .where(SubsidyBatchLine.batch_id == batch_id).order_by(Association.name)).all())


def agenda_items(meeting: Meeting, viewer: User) -> list[BatchItem]:
    """The batches on the meeting (open or decided there), with counts and the members with a conflict."""
    found = db.session.scalars(db.select(SubsidyBatch).where(SubsidyBatch.meeting_id == meeting.id)
                               .options(db.joinedload(SubsidyBatch.scheme).joinedload(SubsidyScheme.pool))
                               .order_by(SubsidyBatch.id)).unique().all()
    out = []
    for batch in found:
        total, with_amount = line_count(batch.id)
        names = conflicted_members(batch, meeting.committee_id)
        out.append(BatchItem(batch, total, with_amount, tuple(sorted(names.values())), viewer.id in names))
    return out


# --- closing the meeting (called by decisions.close_meeting, inside its unit of work) ---------------------

def lock_on_meeting(meeting_id: int) -> list[SubsidyBatch]:
    """The batches waiting on the meeting's agenda, locked in id order."""
    return list(db.session.scalars(db.select(SubsidyBatch).where(
        SubsidyBatch.meeting_id == meeting_id, SubsidyBatch.status == "on_agenda").order_by(SubsidyBatch.id)
        .with_for_update().execution_options(populate_existing=True)))


def pools_on_meeting(meeting_id: int) -> set[int]:
    """The pools of the batches on the meeting's agenda (read before they are locked: a scheme keeps its pool)."""
    return set(db.session.scalars(db.select(SubsidyScheme.pool_id).join(
        SubsidyBatch, SubsidyBatch.scheme_id == SubsidyScheme.id).where(
        SubsidyBatch.meeting_id == meeting_id, SubsidyBatch.status == "on_agenda")))


def close_problems(batches: list[SubsidyBatch], chair: User, proposed_by_pool: dict[int, int]) -> list:
    """Why the batches stop the close: no answer, a conflict, decided already, or no longer within budget.

    `proposed_by_pool` is what the agenda's cases grant in each pool at the same close; the pools are locked.
    """
    out, approving = [], set()
    for batch in batches:
        name = batch.scheme.name
        if batch.proposal is None:
            out.append(_l("Beregningen %(name)s mangler en beslutning.", name=name))
            continue
        if batch.proposal != "approve":
            continue
        if conflicted_association(batch.id, chair) is not None:
            out.append(_l("Du er inhabil i forhold til en forening i beregningen %(name)s og kan ikke godkende den. "
                          "Udsæt beregningen.", name=name))
        if _decides(batch) in approving or _approved_exists(batch):
            out.append(_l("%(name)s er allerede godkendt. Udsæt beregningen.", name=name))
        approving.add(_decides(batch))
        if batch.is_settlement:
            out += settlement_close.close_problems(batch)
        out += _budget_problem(batch, proposed_by_pool)
    return out


def _budget_problem(batch: SubsidyBatch, proposed_by_pool: dict[int, int]) -> list:
    """The batch's grants on top of the pool's (a settlement adds only its final amounts less the advances)."""
    pool = batch.scheme.pool
    adding = settlement_close.added_to_pool(batch) if batch.is_settlement else batch.total
    granted = limits.granted_in_pool(pool.id) + proposed_by_pool.get(pool.id, 0)
    proposed_by_pool[pool.id] = proposed_by_pool.get(pool.id, 0) + adding
    if not limits.over_budget(pool.budget, granted, adding):
        return []
    return [_l("Beregningen %(name)s bevilger %(total)s, men puljen %(pool)s har kun %(left)s tilbage. "
               "Udsæt beregningen, og beregn den igen.", name=batch.scheme.name, total=money(adding),
               pool=pool.name, left=money(max(pool.budget - granted, 0)))]


def _decides(batch: SubsidyBatch) -> tuple[str, int]:
    """What an approved batch decides once: a scheme's advance, or one settlement of an advance batch."""
    return ("settles", batch.settles_batch_id) if batch.is_settlement else ("scheme", batch.scheme_id)


def _approved_exists(batch: SubsidyBatch) -> bool:
    same = (SubsidyBatch.settles_batch_id == batch.settles_batch_id if batch.is_settlement
            else (SubsidyBatch.scheme_id == batch.scheme_id) & SubsidyBatch.settles_batch_id.is_(None))
    return db.session.scalar(db.select(SubsidyBatch.id).where(same, SubsidyBatch.status == "approved")) is not None


def decide(batch: SubsidyBatch, meeting: Meeting, user: User) -> None:
    """Make the committee's answer final: postponed batches leave the agenda, approved ones become cases."""
    if batch.proposal != "approve":
        # Off the agenda, ready for another meeting; meeting_id and proposal keep the minutes' record until then.
        batch.status = "calculated"
        return
    now = clock.now()
    if batch.is_settlement:
        settlement_close.settle(batch, meeting, user)
        batch.status, batch.approved_at = "approved", now
        return
    scheme, year = batch.scheme, clock.local(now).year
    basis = scheme.pool.basis
    legal_basis, appeal_text = ((basis.name, basis.appeal_text) if basis is not None
                                else ("", current_app.config["DEFAULT_APPEAL_TEXT"]))
    lines = db.session.scalars(db.select(SubsidyBatchLine).where(SubsidyBatchLine.batch_id == batch.id)
                               .options(db.joinedload(SubsidyBatchLine.association))
                               .order_by(SubsidyBatchLine.id)).all()
    for line in lines:  # every association gets a decision: a line of 0 kr. is a refusal with its reason
        _decide_line(line, batch, meeting, user, now, next_case_number(year), legal_basis, appeal_text)
    batch.status, batch.approved_at = "approved", now


def _committee_transition(amount: int):
    """The workflow's own decision from its start: grant a calculated amount, refuse when it came to nothing."""
    workflow = registry.get(WORKFLOW)
    action = "decide_grant" if amount > 0 else "decide_reject"
    return next(t for t in workflow.transitions_from(workflow.start) if t.action == action)


def _decide_line(line: SubsidyBatchLine, batch: SubsidyBatch, meeting: Meeting, user: User, now, number: str,
                 legal_basis: str, appeal_text: str) -> None:
    scheme, transition = batch.scheme, _committee_transition(line.amount)
    case = Case(pool_id=scheme.pool_id, association_id=line.association_id, workflow=WORKFLOW,
                state=transition.target, number=number, title=scheme.name, granted_amount=line.amount,
                decided_at=now, assignee_id=batch.calculated_by_id, created_by_id=user.id,
                data={"subsidy_batch_id": batch.id, "subsidy_batch_line_id": line.id})
    db.session.add(case)
    db.session.flush()
    decision = Decision(case_id=case.id, outcome=transition.target, amount=line.amount,
                        reason=calculation_reason(line, scheme), legal_basis=legal_basis, appeal_text=appeal_text,
                        delegated=False, decided_by_id=user.id, decided_at=now, meeting_id=meeting.id)
    db.session.add(decision)
    # Through the shared journal, so the case.decided event (with its granted amount) goes with it.
    transitions.journal_transition(
        case, user, transition.action, registry.get(WORKFLOW).start, transition.target,
        f"{meeting.committee.name} godkendte beregningen af {scheme.name} på mødet den "
        f"{meeting.meeting_date.strftime('%d.%m.%Y')}.")
    db.session.flush()
    line.case_id = case.id
    letters.enqueue_letter(decision, case)


def calculation_reason(line: SubsidyBatchLine, scheme: SubsidyScheme) -> str:
    """The decision's reason: how the amount was calculated, in Danish whatever the chair's language."""
    with force_locale("da"):
        steps = " ".join(describe(step) for step in line.steps or [])
        return (f"Tilskuddet er beregnet efter reglerne for {scheme.name} ud fra jeres indberetning for "
                f"{scheme.campaign.year}. {steps}").strip()



def minutes_items(meeting: Meeting, first: int) -> list[tuple]:
    """(pool, amount granted, MinutesItem) for each batch decided at the closed meeting, numbered after `first`."""
    found = db.session.scalars(db.select(SubsidyBatch).where(SubsidyBatch.meeting_id == meeting.id)
                               .order_by(SubsidyBatch.id)).all()
    out = []
    for n, batch in enumerate(found, start=first + 1):
        approved = batch.status == "approved"
        total, _with_amount = line_count(batch.id)
        inhabil = conflicted_members(batch, meeting.committee_id)
        # The pool's line counts what the batch added: a settlement adds its final amounts less the advances.
        added = batch.total - (_advances(batch.id) if batch.is_settlement else 0)
        out.append((batch.scheme.pool, added if approved else 0, MinutesItem(
            number=n, case_number="–", association=f"{total} forening{'' if total == 1 else 'er'}", title=item_title(batch),
            pool_name=batch.scheme.pool.name, amount_applied=None, recommended_amount=batch.total,
            decision="Godkendt" if approved else None, amount_granted=batch.total if approved else None,
            reason=(("Hver forening får en rettet afgørelse med sin afregning." if batch.is_settlement else
                     "Hver forening får en afgørelse med sin egen beregning.") if approved else ""),
            inhabil=tuple(sorted(inhabil.values())))))
    return out


def _advances(batch_id: int) -> int:
    return int(db.session.scalar(db.select(func.coalesce(func.sum(SubsidyBatchLine.advance), 0))
                                 .where(SubsidyBatchLine.batch_id == batch_id)) or 0)

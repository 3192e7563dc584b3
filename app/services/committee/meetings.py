"""Committee meetings: plan a meeting, put cases on its agenda, record what the members decide per case."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from app import clock
from app.extensions import db
from app.formatting import number
from app.models import AgendaItem, Case, CommitteeMember, Meeting, Pool, User
from app.models.meeting import PROPOSALS
from app.services.cases.guard import NotAllowed, refuse, require_not_inhabil_in, require_staff_not_inhabil
from app.services.pools import ledger
from app.services.unit_of_work import flush, use_case
from workflows import registry

PLANNERS = ("caseworker", "administrator")
MAX_AGENDA = 1000
TEXT_MAX, COMMENT_MAX, TITLE_MAX = 20_000, 5_000, 200
# The committee's proposal -> the tag of the decision state it leads to (in every workflow).
PROPOSAL_TAGS = {"grant": "granted_in_full", "partly": "granted_in_part", "reject": "refused"}


class MeetingNotFound(Exception):
    """No such meeting (or agenda item)."""


@dataclass(frozen=True)
class ProposalInput:
    """What a member recorded for one case."""

    proposal: str
    amount: int | None = None
    reason: str = ""
    comment: str = ""


@dataclass(frozen=True)
class BudgetLine:
    """A pool's budget, what is granted already, what this agenda proposes and what would be left."""

    pool: Pool
    granted: int
    proposed: int

    @property
    def left(self) -> int:
        return self.pool.budget - self.granted - self.proposed


def seat(user: User, committee_id: int) -> CommitteeMember | None:
    """The user's seat on the committee, if any."""
    return db.session.scalar(db.select(CommitteeMember).where(
        CommitteeMember.user_id == user.id, CommitteeMember.committee_id == committee_id))


@use_case
def create_meeting(committee_id: int, meeting_date: date, title: str, location: str, user: User) -> Meeting:
    """Plan a meeting of a committee."""
    if user.role not in PLANNERS:
        refuse(_l("Kun sagsbehandlere og administratorer kan oprette møder."))
    title, location = (title or "").strip(), (location or "").strip()
    if not title or len(title) > TITLE_MAX or len(location) > TITLE_MAX:
        refuse(_l("Skriv en titel på højst 200 tegn."))
    meeting = Meeting(committee_id=committee_id, meeting_date=meeting_date, title=title, location=location,
                      created_by_id=user.id)
    db.session.add(meeting)
    flush()  # the view redirects to the new meeting's id
    return meeting


def lock_planned(meeting_id: int) -> Meeting:
    """The meeting, locked; refused once it is closed."""
    meeting = db.session.get(Meeting, meeting_id, with_for_update=True, populate_existing=True)
    if meeting is None:
        raise MeetingNotFound()
    if meeting.status != "planned":
        refuse(_l("Mødet er afsluttet, så dagsordenen kan ikke ændres."))
    return meeting


def planned_meetings() -> list[Meeting]:
    """Meetings still to be held, soonest first (for choosing an agenda)."""
    return list(db.session.scalars(db.select(Meeting).where(Meeting.status == "planned")
                                   .options(db.joinedload(Meeting.committee))
                                   .order_by(Meeting.meeting_date, Meeting.id).limit(50)))


def waiting_cases(meeting: Meeting) -> list[Case]:
    """The committee's cases in state committee that are on no open agenda."""
    on_agenda = db.select(AgendaItem.case_id).where(AgendaItem.is_open)
    return list(db.session.scalars(
        db.select(Case).join(Pool, Pool.id == Case.pool_id)
        .where(Pool.committee_id == meeting.committee_id, Case.state_has("awaiting_committee"),
               Case.id.not_in(on_agenda))
        .options(db.joinedload(Case.association), db.joinedload(Case.pool))
        .order_by(Case.submitted_at, Case.id).limit(MAX_AGENDA)))


@use_case
def add_to_agenda(meeting_id: int, case_ids: list[int], user: User) -> int:
    """Put cases waiting for the committee on the meeting's agenda; all or nothing. Returns how many."""
    if user.role not in PLANNERS:
        refuse(_l("Kun sagsbehandlere og administratorer kan sætte sager på dagsordenen."))
    meeting = lock_planned(meeting_id)
    wanted = sorted(set(case_ids))
    if not wanted or len(wanted) > MAX_AGENDA:
        refuse(_l("Vælg de sager, der skal på dagsordenen."))
    require_not_inhabil_in(wanted, user)
    allowed = {c.id for c in waiting_cases(meeting)}
    if not set(wanted) <= allowed:
        refuse(_l("En eller flere af sagerne venter ikke længere på udvalget eller er allerede på en dagsorden. "
                  "Intet er gemt."))
    last = db.session.scalar(db.select(func.coalesce(func.max(AgendaItem.position), 0))
                             .where(AgendaItem.meeting_id == meeting.id))
    db.session.add_all([AgendaItem(meeting_id=meeting.id, case_id=case_id, position=last + n)
                        for n, case_id in enumerate(wanted, start=1)])
    return len(wanted)


@use_case
def remove_from_agenda(meeting_id: int, item_id: int, user: User) -> None:
    """Take a case off a planned meeting's agenda again."""
    if user.role not in PLANNERS:
        refuse(_l("Kun sagsbehandlere og administratorer kan ændre dagsordenen."))
    meeting = lock_planned(meeting_id)
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise MeetingNotFound()
    require_staff_not_inhabil(item.case_id, user)
    db.session.delete(item)


@use_case
def record_proposal(meeting_id: int, item_id: int, user: User, given: ProposalInput) -> AgendaItem:
    """A committee member records the committee's decision on one case (final when the chair closes)."""
    meeting = lock_planned(meeting_id)
    item = db.session.get(AgendaItem, item_id, with_for_update=True)
    if item is None or item.meeting_id != meeting.id:
        raise MeetingNotFound()
    if seat(user, meeting.committee_id) is None:
        refuse(_l("Kun udvalgets medlemmer kan registrere beslutninger."))
    require_staff_not_inhabil(item.case_id, user)
    _check_proposal(item.case, given)
    item.proposal = given.proposal
    item.proposed_amount = given.amount if given.proposal == "partly" and item.case.is_grant else None
    item.reason, item.comment = given.reason.strip(), given.comment.strip()
    item.recorded_by_id, item.recorded_at = user.id, clock.now()
    return item


def _check_proposal(case: Case, given: ProposalInput) -> None:
    if given.proposal not in PROPOSALS:
        refuse(_l("Vælg en beslutning."))
    if len(given.reason) > TEXT_MAX or len(given.comment) > COMMENT_MAX:
        refuse(_l("Teksten er for lang."))
    if given.proposal in ("partly", "reject") and not given.reason.strip():
        refuse(_l("Skriv en begrundelse: et afslag eller en delvis bevilling skal begrundes (forvaltningslovens § 22)."))
    if given.proposal == "partly" and case.is_grant:
        if given.amount is None or given.amount <= 0:
            refuse(_l("Skriv det beløb, udvalget bevilger."))
        if case.amount_applied is not None and given.amount >= case.amount_applied:
            refuse(_l("Et andet beløb skal være mindre end det ansøgte beløb (%(amount)s kr.).",
                      amount=number(case.amount_applied)))


def proposed_amount(item: AgendaItem) -> int:
    """What the item would grant if the meeting closed now."""
    case = item.case
    if not case.is_grant:
        return 0
    if item.proposal == "grant":
        return (case.recommended_amount or case.amount_applied) or 0
    if item.proposal == "partly":
        return item.proposed_amount or 0
    return 0


def budget_lines(items: list[AgendaItem]) -> list[BudgetLine]:
    """Per pool on the agenda: budget, granted so far (the pool ledger), proposed here, left."""
    pools = {item.case.pool_id: item.case.pool for item in items}
    if not pools:
        return []
    books = ledger.ledgers(list(pools))
    proposed: dict[int, int] = {}
    for item in items:
        if item.is_open:
            proposed[item.case.pool_id] = proposed.get(item.case.pool_id, 0) + proposed_amount(item)
    return [BudgetLine(pool=pool, granted=books[pid].granted, proposed=proposed.get(pid, 0))
            for pid, pool in sorted(pools.items(), key=lambda p: p[1].name)]


def committee_action(case: Case, proposal: str) -> str:
    """The workflow action that decides `case` from the committee's state as proposed."""
    tag = PROPOSAL_TAGS[proposal]
    for state in registry.states_tagged("awaiting_committee", workflow=case.workflow):
        for transition in registry.get(case.workflow).transitions_from(state):
            if registry.has_tag(case.workflow, transition.target, tag) and "record_decision" in transition.effects:
                return transition.action
    raise NotAllowed(_l("Sagen kan ikke afgøres af udvalget."))


def items_of(meeting_id: int) -> list[AgendaItem]:
    """The agenda, in order, with case, association, pool and who recorded (a fixed number of queries)."""
    return list(db.session.scalars(
        db.select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
        .options(db.joinedload(AgendaItem.case).joinedload(Case.association),
                 db.joinedload(AgendaItem.case).joinedload(Case.pool),
                 db.joinedload(AgendaItem.recorded_by))
        .order_by(AgendaItem.position, AgendaItem.id)))

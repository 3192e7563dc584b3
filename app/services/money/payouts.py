"""Payment plans and payment batches: plan a grant's instalments, batch the due ones, mark them paid."""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import func, update

from app import clock
from app.extensions import db
from app.models import Case, MoneyApproval, PaymentBatch, PaymentBatchLine, PaymentInstalment, User
from app.services.delivery import outbox
from app.services.cases import transitions
from app.services.cases.guard import require_not_inhabil_in
from app.services.delivery.links import public_url
from app.services.integrations import events
from app.services.pools import limits
from app.services.unit_of_work import use_case
from workflows import registry

TEXT_LIMIT = 100


class BatchError(Exception):
    """The batch cannot do this now; `code` says why (the view turns it into Danish)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class PaidResult:
    """What marking a batch paid did to the cases."""

    moved: list[str] = field(default_factory=list)  # case numbers now "paid"
    waiting: list[str] = field(default_factory=list)  # case numbers with instalments still to pay
    failed: list[str] = field(default_factory=list)  # case numbers the engine refused to move


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the 31st becomes the month's last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def plan_for(amount: int, payment_mode: str, count: int, advance_allowed: bool, start: date,
             interval: int = 1) -> list[tuple[date, int]]:
    """(due date, amount) pairs: one payment at once, or `count` instalments `interval` months apart.

    Instalments are paid in advance (the first at once) when the pool allows it, else at the end of each
    period (a quarter when `interval` is 3). Whole kroner: the remainder of the even split goes on the first.
    """
    if amount <= 0:
        return []
    if payment_mode != "instalments" or count <= 1:
        return [(start, amount)]
    count = min(count, amount)
    interval = max(interval, 1)
    share, rest = divmod(amount, count)
    first = 0 if advance_allowed else 1
    return [(add_months(start, (first + i) * interval), share + (rest if i == 0 else 0)) for i in range(count)]


def _cases_without_plan(limit: int = 500) -> list[Case]:
    has_plan = db.select(PaymentInstalment.id).where(PaymentInstalment.case_id == Case.id).exists()
    return list(db.session.scalars(
        db.select(Case).where(Case.state_has("payable"), Case.granted_amount > 0, ~has_plan)
        .options(db.joinedload(Case.pool)).order_by(Case.decided_at, Case.id).limit(limit)))


def count_cases_without_plan() -> int:
    """Decided grants that have no payment plan yet."""
    has_plan = db.select(PaymentInstalment.id).where(PaymentInstalment.case_id == Case.id).exists()
    return db.session.scalar(db.select(func.count(Case.id)).where(
        Case.state_has("payable"), Case.granted_amount > 0, ~has_plan)) or 0


def _add_plan(case: Case, user: User, today: date) -> int:
    pool = case.pool
    start = clock.local(case.decided_at).date() if case.decided_at else today  # the Danish date, not UTC's
    rows = plan_for(case.granted_amount or 0, pool.payment_mode, pool.instalment_count, pool.advance_allowed,
                    max(start, today), pool.instalment_interval)
    limits.check_plan(case, sum(amount for _due, amount in rows))  # instalments never above the grant
    for position, (due_on, amount) in enumerate(rows, start=1):
        db.session.add(PaymentInstalment(case_id=case.id, position=position, due_on=due_on, amount=amount,
                                         created_by_id=user.id))
    return len(rows)


def replan_open_instalments(case: Case, user: User) -> None:
    """After the grant changed: the instalments not yet in a batch carry what remains of the new amount.

    They keep their due dates, so a quarterly plan stays quarterly (the last ones go when fewer are needed); with
    none left open, the rest is due at once. A case without any plan stays without one (it is planned as usual).
    Part of the caller's unit of work.
    """
    rows = plan(case.id)
    if not rows:
        return
    open_rows = [r for r in rows if r.batch_id is None and r.paid_at is None]
    remaining = (case.granted_amount or 0) - limits.committed_for(case.id)
    for row in open_rows:
        db.session.delete(row)
    db.session.flush()
    if remaining <= 0:
        return
    dates = [r.due_on for r in open_rows] or [clock.today()]
    count = min(len(dates), remaining)
    share, rest = divmod(remaining, count)
    position = max((r.position for r in rows if r not in open_rows), default=0)
    for i, due_on in enumerate(dates[:count]):
        position += 1
        db.session.add(PaymentInstalment(case_id=case.id, position=position, due_on=due_on,
                                         amount=share + (rest if i == 0 else 0), created_by_id=user.id))
    db.session.flush()
    limits.check_plan(case, 0)


def add_missing_plans(user: User, today: date | None = None) -> int:
    """Plan every decided grant without a plan (in the caller's unit of work); returns cases planned."""
    cases = _cases_without_plan()
    for case in cases:
        _add_plan(case, user, today or clock.today())
    db.session.flush()
    return len(cases)


@use_case
def create_plans(user: User) -> int:
    """Use case "Opret udbetalingsplaner": plan every decided grant that has none."""
    require_not_inhabil_in({c.id for c in _cases_without_plan()}, user)
    return add_missing_plans(user)


def plan(case_id: int) -> list[PaymentInstalment]:
    """A case's instalments in order."""
    return list(db.session.scalars(db.select(PaymentInstalment).where(PaymentInstalment.case_id == case_id)
                                   .order_by(PaymentInstalment.position)))


def _due_instalments(due_by: date) -> list[PaymentInstalment]:
    # A case that is paid already ("repayable") can owe more: a corrected decision or the settlement of an
    # advance raised its grant, and replan_open_instalments put the difference in a new instalment.
    return list(db.session.scalars(
        db.select(PaymentInstalment).join(Case, Case.id == PaymentInstalment.case_id)
        .where(PaymentInstalment.batch_id.is_(None), PaymentInstalment.paid_at.is_(None),
               PaymentInstalment.due_on <= due_by, Case.state_has("payable", "repayable"))
        .options(db.joinedload(PaymentInstalment.case).joinedload(Case.association),
                 db.joinedload(PaymentInstalment.case).joinedload(Case.pool))
        .order_by(PaymentInstalment.due_on, PaymentInstalment.id)))


def line_text(case: Case, instalment: PaymentInstalment, count: int) -> str:
    """The payment text the association sees on its bank statement."""
    part = f" rate {instalment.position}/{count}" if count > 1 else ""
    return f"Tilskud {case.number}{part} {case.pool.name}"[:TEXT_LIMIT]


def _line(batch: PaymentBatch, instalment: PaymentInstalment, counts: dict[int, int]) -> PaymentBatchLine:
    case, association, pool = instalment.case, instalment.case.association, instalment.case.pool
    return PaymentBatchLine(
        batch=batch, instalment_id=instalment.id, case_id=case.id, amount=instalment.amount,
        case_number=case.number or str(case.id), recipient_name=association.name, cvr=association.cvr,
        contact_person=None if association.cvr else association.contact_person,
        text=line_text(case, instalment, counts[case.id]),
        # The pool's kontering as it is now: the line keeps it when the pool is changed later.
        account_code=pool.account_code, cost_centre=pool.cost_centre, psp_element=pool.psp_element)


@use_case
def create_batch(user: User, due_by: date) -> PaymentBatch:
    """Use case: plan what is missing, then batch every unpaid instalment due by `due_by`."""
    add_missing_plans(user)
    due = _due_instalments(due_by)
    if not due:
        raise BatchError("nothing_due")
    require_not_inhabil_in({i.case_id for i in due}, user)
    counts = dict(db.session.execute(db.select(PaymentInstalment.case_id, func.count(PaymentInstalment.id))
                                     .where(PaymentInstalment.case_id.in_({i.case_id for i in due}))
                                     .group_by(PaymentInstalment.case_id)).all())
    batch = PaymentBatch(status="draft", due_by=due_by, created_by_id=user.id,
                         total_amount=sum(i.amount for i in due), line_count=len(due))
    db.session.add(batch)
    db.session.add_all([_line(batch, i, counts) for i in due])
    db.session.flush()
    _claim_instalments(batch, [i.id for i in due])
    if current_app.config["FOUR_EYES"]:  # to-mandsregel: a second person approves before it is sent
        db.session.add(MoneyApproval(kind="payout_batch", batch_id=batch.id, amount=batch.total_amount,
                                     proposed_by_id=user.id))
    return batch


def pending_approval(batch_id: int) -> MoneyApproval | None:
    """The batch's proposal that waits for a second person, if any."""
    return db.session.scalar(db.select(MoneyApproval).where(
        MoneyApproval.kind == "payout_batch", MoneyApproval.batch_id == batch_id, MoneyApproval.status == "pending"))


def awaiting_approval() -> set[int]:
    """The ids of batches that wait for a second person (shown on the payouts page)."""
    return set(db.session.scalars(db.select(MoneyApproval.batch_id).where(
        MoneyApproval.kind == "payout_batch", MoneyApproval.status == "pending", MoneyApproval.batch_id.is_not(None))))


def approvals(batch_id: int) -> list[MoneyApproval]:
    """The batch's journal under the to-mandsregel: who proposed, who approved or rejected, and when."""
    return list(db.session.scalars(db.select(MoneyApproval).where(
        MoneyApproval.kind == "payout_batch", MoneyApproval.batch_id == batch_id).order_by(MoneyApproval.id)))


@use_case
def answer_batch(batch_id: int, user: User, *, approve: bool, answer: str = "") -> PaymentBatch | None:
    """The second person approves the draft (it may then be sent) or rejects it (the draft is deleted)."""
    batch = _locked_batch(batch_id, user)
    proposal = pending_approval(batch.id)
    if batch.status != "draft" or proposal is None:
        raise BatchError("not_pending")
    if proposal.proposed_by_id == user.id:
        raise BatchError("own_batch")
    proposal.status = "approved" if approve else "rejected"
    proposal.decided_by_id, proposal.decided_at, proposal.answer = user.id, clock.now(), (answer or "").strip()
    if approve:
        events.on_payout_approved(batch.id, batch.total_amount, batch.line_count)
        return batch
    _release(batch)
    return None


def _release(batch: PaymentBatch) -> None:
    db.session.execute(update(PaymentInstalment).where(PaymentInstalment.batch_id == batch.id)
                       .values(batch_id=None).execution_options(synchronize_session=False))
    db.session.delete(batch)


def _claim_instalments(batch: PaymentBatch, ids: list[int]) -> None:
    """Point the instalments at the batch; a concurrent batch that took one first makes this fail."""
    result = db.session.execute(update(PaymentInstalment).where(
        PaymentInstalment.id.in_(ids), PaymentInstalment.batch_id.is_(None)).values(batch_id=batch.id)
        .execution_options(synchronize_session=False))
    if result.rowcount != len(ids):
        raise BatchError("taken")


def locked_batch(batch_id: int, user: User) -> PaymentBatch:
    """The batch, locked for the caller's unit of work (BatchError "missing", NotAllowed when inhabil)."""
    return _locked_batch(batch_id, user)


def move_paid_cases(batch_id: int, user: User) -> PaidResult:
    """Move the batch's fully paid cases on through the engine, in the caller's unit of work."""
    return _move_paid_cases(batch_id, user)


def _locked_batch(batch_id: int, user: User) -> PaymentBatch:
    """The batch, locked; refused (nothing written) when the user is inhabil in one of its cases."""
    batch = db.session.get(PaymentBatch, batch_id, with_for_update=True, populate_existing=True)
    if batch is None:
        raise BatchError("missing")
    in_batch = db.session.scalars(db.select(PaymentBatchLine.case_id).where(PaymentBatchLine.batch_id == batch.id))
    require_not_inhabil_in(set(in_batch), user)
    return batch


@use_case
def mark_sent(batch_id: int, user: User) -> PaymentBatch:
    """Use case: the file has gone to the finance system."""
    batch = _locked_batch(batch_id, user)
    if batch.status != "draft":
        raise BatchError("not_draft")
    if pending_approval(batch.id) is not None:
        raise BatchError("needs_approval")
    batch.status, batch.sent_at = "sent", clock.now()
    return batch


@use_case
def delete_draft(batch_id: int, user: User) -> None:
    """Use case: throw away a draft batch; its instalments wait for the next one."""
    batch = _locked_batch(batch_id, user)
    if batch.status != "draft":
        raise BatchError("not_draft")
    # The proposal is withdrawn with its draft: nothing was paid, so there is nothing left to approve.
    db.session.execute(db.delete(MoneyApproval).where(MoneyApproval.batch_id == batch.id,
                                                      MoneyApproval.status == "pending"))
    _release(batch)


@use_case
def mark_paid(batch_id: int, user: User) -> PaidResult:
    """Use case: the finance system has paid the batch; fully paid cases move on through the engine.

    One unit of work: the batch, its instalments and every case it moves (journal and notice by the
    engine's effects) are committed together, or nothing is. Running it again on a paid batch moves only
    what is still left to move.
    """
    batch = _locked_batch(batch_id, user)
    if batch.status == "draft":
        raise BatchError("not_sent")
    if batch.status == "sent":
        now = clock.now()
        batch.status, batch.paid_at, batch.paid_by_id = "paid", now, user.id
        # A line the finance system reported failed (through the API) was not paid.
        failed = db.select(PaymentBatchLine.instalment_id).where(PaymentBatchLine.batch_id == batch.id,
                                                                 PaymentBatchLine.status == "failed")
        db.session.execute(update(PaymentInstalment).where(
            PaymentInstalment.batch_id == batch.id, PaymentInstalment.paid_at.is_(None),
            PaymentInstalment.id.not_in(failed)).values(paid_at=now)
            .execution_options(synchronize_session=False))
        _notify_partly_paid(batch)
    return _move_paid_cases(batch_id, user)


def _unpaid_exists():
    return db.select(PaymentInstalment.id).where(PaymentInstalment.case_id == Case.id,
                                                 PaymentInstalment.paid_at.is_(None)).exists()


def _notify_partly_paid(batch: PaymentBatch) -> None:
    """Tell associations whose case still has instalments to come (the engine tells the others)."""
    in_batch = db.select(PaymentBatchLine.case_id).where(PaymentBatchLine.batch_id == batch.id)
    cases = db.session.scalars(db.select(Case).where(Case.id.in_(in_batch), _unpaid_exists())
                               .options(db.joinedload(Case.association))).all()
    amounts = dict(db.session.execute(db.select(PaymentBatchLine.case_id, func.sum(PaymentBatchLine.amount))
                                      .where(PaymentBatchLine.batch_id == batch.id)
                                      .group_by(PaymentBatchLine.case_id)).all())
    for case in cases:
        outbox.enqueue("payout_paid", case.association.contact_email,
                       {"case_number": case.number or "", "title": case.title, "association": case.association.name,
                        "amount": int(amounts.get(case.id, 0)), "link": _portal_link(case)},
                       dedup_key=f"payout-{batch.id}-{case.id}")


def _portal_link(case: Case) -> str:
    return public_url(f"/forening/sager/{case.id}")


def _move_paid_cases(batch_id: int, user: User) -> PaidResult:
    """Move every fully paid case of the batch, in mark_paid's unit of work (cases locked in id order)."""
    in_batch = db.select(PaymentBatchLine.case_id).where(PaymentBatchLine.batch_id == batch_id)
    rows = db.session.execute(db.select(Case.id, Case.number, _unpaid_exists().label("waiting"))
                              .where(Case.id.in_(in_batch)).order_by(Case.id)).all()
    result = PaidResult()
    for case_id, number, waiting in rows:
        if waiting:
            result.waiting.append(number)
            continue
        case = db.session.get(Case, case_id, with_for_update=True, populate_existing=True)
        if case.state not in registry.states_tagged("payable"):
            continue  # moved already (a second run), or not a grant that is paid out
        # Asked first rather than caught: a refused transition must not void the batch's unit of work.
        if not _may_mark_paid(case, user):
            result.failed.append(number)
            continue
        transitions.apply_transition(case, "mark_paid", user)
        result.moved.append(number)
    return result


def _may_mark_paid(case: Case, user: User) -> bool:
    available, _blocked = transitions.offered_actions(case, user)
    return any(t.action == "mark_paid" for t in available)


def batches(limit: int = 50) -> list[PaymentBatch]:
    """The newest batches first."""
    return list(db.session.scalars(db.select(PaymentBatch).options(db.joinedload(PaymentBatch.created_by))
                                   .order_by(PaymentBatch.created_at.desc(), PaymentBatch.id.desc()).limit(limit)))


def waiting_instalments(limit: int = 200) -> list[PaymentInstalment]:
    """Planned instalments not in any batch yet, soonest first."""
    return list(db.session.scalars(
        db.select(PaymentInstalment).join(Case, Case.id == PaymentInstalment.case_id)
        .where(PaymentInstalment.batch_id.is_(None), PaymentInstalment.paid_at.is_(None),
               Case.state_has("payable"))
        .options(db.joinedload(PaymentInstalment.case).joinedload(Case.association))
        .order_by(PaymentInstalment.due_on, PaymentInstalment.id).limit(limit)))

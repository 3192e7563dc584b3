"""What the association's case page leads with: the outcome, what happens next, the letter; and a timeline in words."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext, lazy_gettext as _l, ngettext

from app.extensions import db
from app.formatting import day_only, money
from app.models import Case, CaseEvent, Decision, Document, PaymentInstalment
from app.services.committee.digital_post import appeal_deadline
from workflows import registry

MAX_INSTALMENTS = 6

# The outcome in the association's words, by what the decided state means (its tags), not by its name;
# %(amount)s, %(applied)s and %(day)s are filled in.
HEADLINES = {
    "money_in_full": _l("Bevilget %(amount)s den %(day)s"),
    "money_in_part": _l("Delvist bevilget: %(amount)s af de ansøgte %(applied)s den %(day)s"),
    "refused": _l("Afslag den %(day)s"),
    "loan_in_full": _l("Godkendt den %(day)s"),
    "loan_in_part": _l("Delvist godkendt den %(day)s"),
    "cancelled": _l("Annulleret den %(day)s"),
}
TONES = {"money_in_full": "success", "loan_in_full": "success", "money_in_part": "warning", "loan_in_part": "warning",
         "refused": "info", "cancelled": "info"}
FULL_YES = ("money_in_full", "loan_in_full")


def outcome_kind(workflow: str, state: str) -> str | None:
    """Which of HEADLINES a decided state is, from the registry's tags."""
    def tagged(tag: str) -> bool:
        return registry.has_tag(workflow, state, tag)
    if tagged("refused"):
        return "refused"
    part = tagged("granted_in_part")
    if part or tagged("granted_in_full"):
        if tagged("booked"):
            return "loan_in_part" if part else "loan_in_full"
        return "money_in_part" if part else "money_in_full"
    if tagged("terminal") and tagged("decided"):
        return "cancelled"
    return None


ACTION_LINES = {
    "request_information": _l("Kommunen bad om flere oplysninger"),
    "answer_information": _l("I sendte jeres svar"),
    "submit": _l("I sendte ansøgningen"),
    "withdraw": _l("I trak ansøgningen tilbage"),
    "case_export": _l("Hele sagen blev hentet (aktindsigt)"),
}


@dataclass(frozen=True)
class Outcome:
    """The latest decision as the association reads it."""

    headline: str
    tone: str
    reason: str
    appeal_text: str
    letter: Document | None
    next_steps: list[str] = field(default_factory=list)
    digital_post_at: datetime | None = None  # when the letter became available in Digital Post
    appeal_by: date | None = None  # the appeal deadline, counted from notification


def outcome(case: Case) -> Outcome | None:
    """The latest decision whose letter the association has (a decision is told by its letter), or None."""
    decision = db.session.scalar(db.select(Decision).where(Decision.case_id == case.id,
                                                           Decision.letter_available_at.is_not(None))
                                 .order_by(Decision.id.desc()).limit(1))
    if decision is None:
        return None
    kind = outcome_kind(case.workflow, decision.outcome)
    headline = HEADLINES.get(kind)
    text = str(headline) % {"amount": money(decision.amount), "applied": money(case.amount_applied),
                            "day": day_only(decision.decided_at)} if headline else decision.outcome
    letter = db.session.get(Document, decision.letter_document_id) if decision.letter_document_id else None
    return Outcome(headline=text, tone=TONES.get(kind, "info"),
                   reason="" if kind in FULL_YES else decision.reason,
                   appeal_text=decision.appeal_text, letter=letter, next_steps=next_steps(case, decision),
                   digital_post_at=decision.digital_post_at if decision.digital_post_status == "sent" else None,
                   appeal_by=appeal_deadline(decision))


def next_steps(case: Case, decision: Decision) -> list[str]:
    """Payments from the payment plan and the report deadline, in the order they come."""
    if outcome_kind(case.workflow, decision.outcome) not in ("money_in_full", "money_in_part"):
        return []
    steps = [_instalment_line(i) for i in db.session.scalars(
        db.select(PaymentInstalment).where(PaymentInstalment.case_id == case.id)
        .order_by(PaymentInstalment.due_on, PaymentInstalment.position).limit(MAX_INSTALMENTS))]
    if not steps and case.state_has("payable"):  # the plan is made with the next payment batch
        steps.append(gettext("Vi udbetaler %(amount)s til jeres NemKonto. I får besked, når pengene er sendt.",
                             amount=money(case.granted_amount)))
    if case.report_due_on:
        steps.append(gettext("Send afrapporteringen senest %(day)s.", day=day_only(case.report_due_on)))
    elif case.pool.report_due_days:
        steps.append(ngettext("Send afrapporteringen senest %(num)d dag efter udbetalingen.",
                              "Send afrapporteringen senest %(num)d dage efter udbetalingen.",
                              case.pool.report_due_days))
    return steps


def _instalment_line(instalment: PaymentInstalment) -> str:
    if instalment.paid_at is not None:
        return gettext("%(amount)s blev udbetalt den %(day)s.", amount=money(instalment.amount),
                       day=day_only(instalment.paid_at))
    return gettext("Vi udbetaler %(amount)s den %(day)s til jeres NemKonto.", amount=money(instalment.amount),
                   day=day_only(instalment.due_on))


@dataclass(frozen=True)
class TimelineLine:
    """One line of the association's timeline."""

    at: datetime
    text: str
    comment: str = ""


def timeline(case: Case, events: list[CaseEvent]) -> list[TimelineLine]:
    """Public events, newest first, in words; a state line that only repeats the one before is left out."""
    lines: list[TimelineLine] = []
    for event in events:
        if event.visibility != "public":
            continue
        line = TimelineLine(event.created_at, _event_text(case, event),
                            "" if event.action == "document_received" else (event.comment or ""))
        if lines and not line.comment and line.text == lines[-1].text:
            continue  # e.g. "Under behandling" for screening and again for assessment
        lines.append(line)
    return lines[::-1]


def _event_text(case: Case, event: CaseEvent) -> str:
    if event.action in ACTION_LINES:
        return str(ACTION_LINES[event.action])
    if event.action == "document_received":
        return gettext("Fil modtaget: %(name)s", name=event.comment or "")
    if event.to_state:
        return gettext(registry.get(case.workflow).state(event.to_state).public_label)
    return gettext("Noteret i sagen")

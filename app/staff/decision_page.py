"""The decision part of the staff case page: the reason's rule, the meeting choice, the letter and what comes next."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _, ngettext

from app import clock
from app.extensions import db
from app.formatting import day_in_words, money, weekday_day_in_words
from app.models import Case, Decision, Meeting
from app.pdf.letter import CANCEL, GRANT, PARTLY, REJECT
from app.services.committee import referral
from app.services.committee.letter_preview import LetterPreview
from app.services.money import payouts
from workflows import registry


@dataclass(frozen=True)
class NextSteps:
    """The decision just made: its letter (when written) and what happens now."""

    decision: Decision
    payments: list[tuple]  # (due date, amount)
    planned: bool  # the payment plan exists (else it is what the plan will be)
    report_due: str | None


def action_context(case: Case, actions: list) -> dict:
    """What the action form needs beyond the engine's buttons."""
    referral_offered = any(is_referral(case, t.action) for t in actions)
    return {
        "reason_rule": reason_rule(case, actions),
        "meeting_choices": meeting_choices(referral.meetings_for(case)) if referral_offered else [],
        "next_steps": next_steps(case),
    }


def is_referral(case: Case, action: str) -> bool:
    """The action sends the case to the committee."""
    workflow = registry.get(case.workflow)
    return any(registry.has_tag(case.workflow, t.target, "awaiting_committee")
               for t in workflow.transitions_from(case.state) if t.action == action)


def is_decision(case: Case, action: str) -> bool:
    """The action records a decision (and sends its letter)."""
    return any("record_decision" in t.effects for t in registry.get(case.workflow).transitions_from(case.state)
               if t.action == action)


def reason_rule(case: Case, actions: list) -> str:
    """'optional' when only a full yes is offered, 'required' when only decisions that must be reasoned, else 'mixed'."""
    full = [registry.has_tag(case.workflow, t.target, "granted_in_full") for t in actions if "record_decision" in t.effects]
    if full and all(full):
        return "optional"
    return "required" if full and not any(full) else "mixed"


def default_meeting(case: Case) -> str:
    """The next planned meeting of the pool's committee (as the form's value), or '' when none is planned."""
    found = referral.meetings_for(case)
    return str(found[0].id) if found else ""


def meeting_choices(found: list[Meeting]) -> list[tuple[str, str]]:
    """(value, label) per meeting, then 'choose later'."""
    return [(str(m.id), f"{weekday_day_in_words(m.meeting_date)} – {m.title}") for m in found] + [
        ("", _("Vælg møde senere"))]


def meeting_sentence(meeting: Meeting | None) -> str:
    """What the page says after a case went to the committee."""
    if meeting is None:
        return _("Sagen er sendt til udvalget. Den er ikke på en dagsorden endnu: sæt den på et møde under Møder.")
    return _("Sagen er sendt til udvalget og sat på dagsordenen til mødet %(day)s (%(title)s).",
             day=weekday_day_in_words(meeting.meeting_date), title=meeting.title)


def confirm_label(case: Case, preview: LetterPreview) -> str:
    """The confirming button names what is decided and for whom."""
    name = preview.addressee
    if preview.outcome == REJECT:
        return _("Giv %(name)s afslag og send brevet", name=name)
    if preview.outcome == CANCEL:
        return _("Aflys lånet for %(name)s og send brevet", name=name)
    if case.is_grant:
        return _("Bevilg %(amount)s til %(name)s og send brevet", amount=money(preview.amount), name=name)
    if preview.outcome == PARTLY:
        return _("Godkend en del af lånet for %(name)s og send brevet", name=name)
    return _("Godkend lånet for %(name)s og send brevet", name=name)


def decided_sentence(case: Case, preview_outcome: str, amount: int | None) -> str:
    """The success message after the letter went out."""
    name = case.association.name
    if preview_outcome in (GRANT, PARTLY) and case.is_grant:  # ends in "kr.": no full stop after it
        return _("Afgørelsen er truffet, og brevet sendes til foreningen: %(name)s får %(amount)s",
                 name=name, amount=money(amount))
    if preview_outcome == REJECT:
        return _("Afgørelsen er truffet: %(name)s har fået afslag. Brevet sendes til foreningen.", name=name)
    return _("Afgørelsen er truffet, og brevet sendes til %(name)s.", name=name)


def reflow(page: str) -> str:
    """A page of PDF text with the lines the PDF wrapped joined again, so the text wraps to any screen.

    A line about as long as the page's full lines that does not end a sentence was wrapped by the layout; other
    lines (headings, address lines, the ends of paragraphs) keep their break. The words stay as in the letter.
    """
    lines = page.split("\n")
    # The body's full line: the footer in a smaller font holds more characters than any body line.
    longest = sorted((len(line.rstrip()) for line in lines), reverse=True)[:5]
    width = longest[len(longest) // 2] if longest else 0
    out: list[str] = []
    joining = False
    for line in lines:
        if joining:
            out[-1] = f"{out[-1]} {line.strip()}"
        else:
            out.append(line)
        stripped = line.rstrip()
        joining = len(stripped) >= 0.75 * width and not stripped.endswith((".", ":", "?", "!"))
    return "\n".join(out)


def next_steps(case: Case) -> NextSteps | None:
    """The newest decision of the case with its payments and report deadline; None before any decision."""
    decision = db.session.scalar(db.select(Decision).where(Decision.case_id == case.id)
                                 .order_by(Decision.id.desc()).limit(1))
    if decision is None:
        return None
    pool, payments, planned = case.pool, [], False
    if case.is_grant and (decision.amount or 0) > 0:
        rows = payouts.plan(case.id)
        planned = bool(rows)
        payments = [(r.due_on, r.amount) for r in rows] or payouts.plan_for(
            decision.amount, pool.payment_mode, pool.instalment_count, pool.advance_allowed,
            max(clock.local(decision.decided_at).date(), clock.today()), pool.instalment_interval)
    report_due = None
    if payments and case.report_due_on:
        report_due = _("Afrapportering senest %(day)s.", day=day_in_words(case.report_due_on))
    elif payments and pool.report_due_days:
        report_due = ngettext("Afrapportering senest %(num)s dag efter udbetalingen.",
                              "Afrapportering senest %(num)s dage efter udbetalingen.", pool.report_due_days)
    return NextSteps(decision=decision, payments=payments, planned=planned, report_due=report_due)

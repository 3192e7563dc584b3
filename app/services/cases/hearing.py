"""Partshøring and missing information: ask with a deadline; confirm a hearing before a negative decision."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.models import Case, CaseEvent, Pool, User
from app.services.cases import transitions
from app.services.cases.guard import flush_or_stale, lock_case, refuse, require_caseworker_on, require_open
from app.services.cases.transitions import ActionInput
from app.services.unit_of_work import use_case
from workflows import Outcome

QUESTION_MAX = 5_000
EXPLANATION_MAX = 5_000
MAX_REPLY_DAYS = 365
HEARING_CHOICES = ("held", "not_needed")


def default_reply_deadline(pool: Pool, today: date | None = None) -> date:
    """Today plus the pool's reply days."""
    return (today or clock.today()) + timedelta(days=pool.reply_days)


def check_reply_deadline(deadline: date, today: date | None = None) -> None:
    """A deadline in the past, or absurdly far ahead, is refused."""
    today = today or clock.today()
    if deadline < today:
        refuse(_l("Svarfristen kan ikke ligge før i dag."))
    if deadline > today + timedelta(days=MAX_REPLY_DAYS):
        refuse(_l("Svarfristen kan højst ligge et år frem."))


@use_case
def request_information(case_id: int, user: User, question: str, reply_deadline: date | None = None, *,
                        expected_version: int | None = None) -> Outcome:
    """Ask the applicant; the case waits in needs_information until they answer or the deadline passes."""
    question = (question or "").strip()
    if not question:
        refuse(_l("Skriv spørgsmålet til ansøgeren."))
    if len(question) > QUESTION_MAX:
        refuse(_l("Spørgsmålet er for langt (højst %(n)s tegn).", n=QUESTION_MAX))
    if reply_deadline is not None:
        check_reply_deadline(reply_deadline)
    return transitions.perform(case_id, "request_information", user, expected_version=expected_version,
                               given=ActionInput(comment=question, reply_deadline=reply_deadline))


@use_case
def confirm_hearing(case_id: int, user: User, choice: str, explanation: str, *,
                    expected_version: int | None = None) -> Case:
    """Record that the applicant was heard, or why no hearing is needed (forvaltningsloven § 19)."""
    explanation = (explanation or "").strip()
    if choice not in HEARING_CHOICES:
        refuse(_l("Vælg, om partshøring er gennemført eller ikke er nødvendig."))
    if not explanation:
        refuse(_l("Forklar kort, hvordan ansøgeren er hørt, eller hvorfor det ikke er nødvendigt."))
    if len(explanation) > EXPLANATION_MAX:
        refuse(_l("Forklaringen er for lang (højst %(n)s tegn).", n=EXPLANATION_MAX))
    case = lock_case(case_id, expected_version)
    require_caseworker_on(case, user)
    require_open(case)
    if case.decided_at is not None:
        refuse(_l("Sagen er allerede afgjort."))
    case.hearing_confirmed = True
    db.session.add(CaseEvent(case_id=case.id, actor_id=user.id, kind="hearing", action=choice,
                             comment=explanation, visibility="internal"))
    flush_or_stale()
    return case


def information_exchanges(events: list[CaseEvent]) -> list[dict]:
    """Questions asked and the answers that came back, paired in order, from the journal."""
    out: list[dict] = []
    for event in events:
        if event.kind != "transition":
            continue
        if event.action == "request_information":
            out.append({"question": event, "answer": None, "resumed": None})
        elif out and out[-1]["answer"] is None and out[-1]["resumed"] is None:
            if event.action == "answer_information":
                out[-1]["answer"] = event
            elif event.action in ("resume_processing", "withdraw"):
                out[-1]["resumed"] = event
    return out

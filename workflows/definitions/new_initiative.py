"""Nye initiativer: like a subsidy, with a fast track for small amounts and a public story."""

from workflows.definitions._common import (
    ANSWER_INFORMATION, APPLICANT, CLOSE, COMMITTEE_DECISIONS, DECISION_EFFECTS, DELEGATED_DECISIONS,
    DISCARD, GRANT_STATES, MARK_PAID, RECOMMEND, REOPEN_ASSESSMENT, REQUEST_INFORMATION,
    REQUEST_MORE_REPORT, REQUEST_REPORT, RESUME_PROCESSING, RETURN_TO_ASSESSMENT, SEND_TO_COMMITTEE, STAFF,
    START_ASSESSMENT, START_SCREENING, WITHDRAW, WITHDRAW_WHILE_ASKED, decisions,
)
from workflows.engine import Transition, Workflow
from workflows.i18n import N_

# Small amounts are decided straight from screening: new initiatives should not wait for
# a full assessment round (the policies prioritise new associations and initiatives).
FAST_TRACK_DECISIONS = decisions("screening", STAFF, ("within_fast_track_limit",), DECISION_EFFECTS)

WORKFLOW = Workflow(
    name="new_initiative",
    label=N_("Nyt initiativ"),
    description=N_(
        "Ansøgning om støtte til en ny forening eller et nyt initiativ. Små beløb kan afgøres "
        "hurtigt efter visitationen; bagefter fortæller ansøgeren kort og offentligt, hvordan det gik."),
    start="draft",
    states=GRANT_STATES,
    transitions=(
        # Informal groups may apply here, so no not_informal_group guard.
        Transition(
            "submit", ("draft",), "submitted", APPLICANT, N_("Indsend ansøgning"),
            guards=("before_deadline",),
            effects=("assign_case_number", "notify_applicant", "notify_caseworker"), style="primary"),
        DISCARD,
        START_SCREENING,
        REQUEST_INFORMATION,
        ANSWER_INFORMATION,
        RESUME_PROCESSING,
        *FAST_TRACK_DECISIONS,
        START_ASSESSMENT,
        RECOMMEND,
        REOPEN_ASSESSMENT,
        SEND_TO_COMMITTEE,
        *DELEGATED_DECISIONS,
        *COMMITTEE_DECISIONS,
        RETURN_TO_ASSESSMENT,
        MARK_PAID,
        REQUEST_REPORT,
        Transition(
            "submit_report", ("report_due",), "reported", APPLICANT, N_("Indsend jeres historie"),
            effects=("notify_caseworker",), style="primary"),
        REQUEST_MORE_REPORT,
        # Approving is what publishes the story: the public page lists the stories of approved
        # reports (reporting.published_stories reads the journal), so no effect is needed.
        Transition(
            "approve_report", ("reported",), "closed", STAFF, N_("Godkend og offentliggør historien"),
            effects=("notify_applicant",), style="primary"),
        CLOSE,
        WITHDRAW,
        WITHDRAW_WHILE_ASKED,
    ),
)

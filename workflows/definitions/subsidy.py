"""Tilskud: an application to a funding pool, assessed, decided, paid and reported on."""

from workflows.definitions._common import (
    ANSWER_INFORMATION, APPLICANT, CLOSE, COMMITTEE_DECISIONS, DELEGATED_DECISIONS, DISCARD,
    GRANT_STATES, MARK_PAID, RECOMMEND, REOPEN_ASSESSMENT, REQUEST_INFORMATION, REQUEST_MORE_REPORT,
    REQUEST_REPORT, RESUME_PROCESSING, RETURN_TO_ASSESSMENT, SEND_TO_COMMITTEE, STAFF, START_ASSESSMENT,
    START_SCREENING, WITHDRAW, WITHDRAW_WHILE_ASKED,
)
from workflows.engine import Transition, Workflow
from workflows.i18n import N_

WORKFLOW = Workflow(
    name="subsidy",
    label=N_("Tilskud"),
    description=N_(
        "Ansøgning om tilskud fra en pulje: visitation, vurdering, indstilling, afgørelse "
        "hos forvaltningen eller udvalget, udbetaling og afrapportering."),
    start="draft",
    states=GRANT_STATES,
    transitions=(
        Transition(
            "submit", ("draft",), "submitted", APPLICANT, N_("Indsend ansøgning"),
            guards=("before_deadline", "not_informal_group"),
            effects=("assign_case_number", "notify_applicant", "notify_caseworker"), style="primary"),
        DISCARD,
        START_SCREENING,
        REQUEST_INFORMATION,
        ANSWER_INFORMATION,
        RESUME_PROCESSING,
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
            "submit_report", ("report_due",), "reported", APPLICANT, N_("Indsend afrapportering"),
            effects=("notify_caseworker",), style="primary"),
        REQUEST_MORE_REPORT,
        Transition(
            "approve_report", ("reported",), "closed", STAFF, N_("Godkend afrapportering"),
            effects=("notify_applicant",), style="primary"),
        CLOSE,
        WITHDRAW,
        WITHDRAW_WHILE_ASKED,
    ),
)

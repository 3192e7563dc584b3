"""States, role sets and transitions shared by the grant workflows.

Sharing the objects keeps one Danish label per state name across workflows, so a volunteer
sees the same words for the same step whichever kind of case they follow.
"""

from workflows.engine import State, Transition
from workflows.i18n import N_

APPLICANT = frozenset({"applicant"})
# Administrators may do everything a caseworker may (cover, corrections).
STAFF = frozenset({"caseworker", "administrator"})
# The chair records the committee's decision after the meeting; members read the agenda.
CHAIR = frozenset({"committee_chair"})

DECISION_EFFECTS = ("record_decision", "render_decision_letter", "notify_applicant")
COMMITTEE_DECISION_EFFECTS = DECISION_EFFECTS + ("notify_caseworker",)
ASK_EFFECTS = ("notify_applicant", "start_reply_deadline")

DRAFT = State("draft", N_("Kladde"), N_("Kladde – ikke sendt endnu"), frozenset({"draft"}))
SUBMITTED = State("submitted", N_("Modtaget"), N_("Modtaget"), frozenset({"open", "awaiting_caseworker"}))
SCREENING = State(
    "screening", N_("Visitation"), N_("Under behandling"), frozenset({"open", "awaiting_caseworker", "assessable"}))
NEEDS_INFORMATION = State(
    "needs_information", N_("Afventer oplysninger"), N_("Vi mangler oplysninger fra jer"),
    frozenset({"open", "awaiting_applicant", "information_requested"}))
ASSESSMENT = State(
    "assessment", N_("Under vurdering"), N_("Under behandling"),
    frozenset({"open", "awaiting_caseworker", "assessable"}))
RECOMMENDED = State("recommended", N_("Indstillet"), N_("Under behandling"), frozenset({"open", "awaiting_caseworker"}))
COMMITTEE = State(
    "committee", N_("Til behandling i udvalget"), N_("Behandles af det politiske udvalg"),
    frozenset({"open", "awaiting_committee"}))
GRANTED = State("granted", N_("Bevilget"), N_("Bevilget"), frozenset({"decided", "granted_in_full", "payable"}))
PARTLY_GRANTED = State(
    "partly_granted", N_("Delvist bevilget"), N_("Delvist bevilget"),
    frozenset({"decided", "granted_in_part", "payable"}))
# A rejection is finished although the caseworker may still file it as closed.
REJECTED = State("rejected", N_("Afslag"), N_("Afslag"), frozenset({"decided", "refused", "finished"}))
PAID = State(
    "paid", N_("Udbetalt"), N_("Pengene er udbetalt"), frozenset({"decided", "awaiting_report", "repayable"}))
REPORT_DUE = State(
    "report_due", N_("Afventer afrapportering"), N_("Vi venter på jeres afrapportering"),
    frozenset({"decided", "awaiting_applicant", "awaiting_report", "report_requested", "repayable"}))
REPORTED = State(
    "reported", N_("Afrapporteret"), N_("Afrapportering modtaget"),
    frozenset({"decided", "report_received", "repayable"}))
# Closed also follows a rejection or a premises loan; the repayment claim then finds nothing paid to claim.
CLOSED = State(
    "closed", N_("Afsluttet"), N_("Afsluttet"), frozenset({"terminal", "finished", "decided", "repayable"}))
WITHDRAWN = State(
    "withdrawn", N_("Trukket tilbage"), N_("Trukket tilbage"), frozenset({"terminal", "finished", "abandoned"}))
# A draft that never reached the municipality is not a withdrawn case (no case number,
# no processing time), so it gets its own terminal state for the indicators.
DISCARDED = State(
    "discarded", N_("Kladde slettet"), N_("Slettet"), frozenset({"terminal", "finished", "abandoned", "discarded"}))

# States in which the applicant may still withdraw (before any decision).
UNDECIDED = ("submitted", "screening", "assessment", "recommended", "committee")

DISCARD = Transition(
    "discard", ("draft",), "discarded", APPLICANT, N_("Slet kladden"), style="danger")
START_SCREENING = Transition(
    "start_screening", ("submitted",), "screening", STAFF, N_("Påbegynd visitation"), style="primary")
REQUEST_INFORMATION = Transition(
    "request_information", ("screening", "assessment"), "needs_information", STAFF,
    N_("Bed om oplysninger"), effects=ASK_EFFECTS)
ANSWER_INFORMATION = Transition(
    "answer_information", ("needs_information",), "screening", APPLICANT, N_("Send oplysningerne"),
    effects=("notify_caseworker", "stop_reply_deadline"), style="primary")
# Lets a caseworker continue when the answer came by phone or never came at all.
RESUME_PROCESSING = Transition(
    "resume_processing", ("needs_information",), "screening", STAFF, N_("Genoptag behandlingen"),
    effects=("stop_reply_deadline",))
START_ASSESSMENT = Transition(
    "start_assessment", ("screening",), "assessment", STAFF, N_("Påbegynd vurdering"), style="primary")
RECOMMEND = Transition(
    "recommend", ("assessment",), "recommended", STAFF, N_("Indstil"), style="primary")
REOPEN_ASSESSMENT = Transition(
    "reopen_assessment", ("recommended",), "assessment", STAFF, N_("Genoptag vurderingen"))
SEND_TO_COMMITTEE = Transition(
    "send_to_committee", ("recommended",), "committee", STAFF, N_("Send til udvalget"),
    guards=("above_delegation_limit",), effects=("notify_committee",), style="primary")


def decisions(source: str, roles: frozenset[str], guards: tuple[str, ...], effects: tuple[str, ...]) -> tuple[Transition, ...]:
    """Return grant / partial grant / rejection from ``source`` under shared ``guards``."""
    # A decision that is not a full yes needs partshøring first (forvaltningsloven §19).
    negative = guards + ("hearing_confirmed",)
    return (
        Transition("decide_grant", (source,), "granted", roles, N_("Bevilg"), guards, effects, "primary"),
        Transition("decide_partly", (source,), "partly_granted", roles, N_("Bevilg delvist"), negative, effects),
        Transition("decide_reject", (source,), "rejected", roles, N_("Giv afslag"), negative, effects, "danger"),
    )


DELEGATED_DECISIONS = decisions("recommended", STAFF, ("within_delegation_limit",), DECISION_EFFECTS)
COMMITTEE_DECISIONS = decisions("committee", CHAIR, (), COMMITTEE_DECISION_EFFECTS)
RETURN_TO_ASSESSMENT = Transition(
    "return_to_assessment", ("committee",), "assessment", CHAIR, N_("Send tilbage til forvaltningen"),
    effects=("notify_caseworker",))
MARK_PAID = Transition(
    "mark_paid", ("granted", "partly_granted"), "paid", STAFF, N_("Markér som udbetalt"),
    effects=("notify_applicant", "start_report_deadline"), style="primary")
REQUEST_REPORT = Transition(
    "request_report", ("paid",), "report_due", STAFF, N_("Bed om afrapportering"),
    effects=("notify_applicant",), style="primary")
REQUEST_MORE_REPORT = Transition(
    "request_more_report", ("reported",), "report_due", STAFF, N_("Bed om uddybning"),
    effects=("notify_applicant",))
CLOSE = Transition(
    "close", ("rejected", "report_due"), "closed", STAFF, N_("Afslut sagen"))
WITHDRAW = Transition(
    "withdraw", UNDECIDED, "withdrawn", APPLICANT, N_("Træk ansøgningen tilbage"),
    effects=("notify_caseworker",), style="danger")
# Same action from a disjoint source: withdrawing while asked must also stop the clock.
WITHDRAW_WHILE_ASKED = Transition(
    "withdraw", ("needs_information",), "withdrawn", APPLICANT, N_("Træk ansøgningen tilbage"),
    effects=("notify_caseworker", "stop_reply_deadline"), style="danger")

GRANT_STATES = (
    DRAFT, SUBMITTED, SCREENING, NEEDS_INFORMATION, ASSESSMENT, RECOMMENDED, COMMITTEE,
    GRANTED, PARTLY_GRANTED, REJECTED, PAID, REPORT_DUE, REPORTED, CLOSED, WITHDRAWN, DISCARDED,
)

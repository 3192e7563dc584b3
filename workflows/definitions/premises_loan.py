"""Lån af lokaler og faciliteter: routine bookings decided by the caseworker, seasons by the committee."""

from workflows.definitions._common import (
    APPLICANT, CHAIR, CLOSED, COMMITTEE_DECISION_EFFECTS, DECISION_EFFECTS, DISCARDED, DRAFT,
    NEEDS_INFORMATION, REJECTED, STAFF, WITHDRAWN,
)
from workflows.engine import State, Transition, Workflow
from workflows.i18n import N_

REQUESTED = State("requested", N_("Ny anmodning"), N_("Modtaget"), frozenset({"open", "awaiting_caseworker"}))
COMMITTEE = State(
    "committee", N_("Til sæsonfordeling i udvalget"),
    N_("Behandles sammen med sæsonens andre ansøgninger"), frozenset({"open", "awaiting_committee"}))
APPROVED = State(
    "approved", N_("Godkendt"), N_("Godkendt – lokalet er reserveret til jer"),
    frozenset({"decided", "granted_in_full", "booked"}))
PARTLY_APPROVED = State(
    "partly_approved", N_("Delvist godkendt"), N_("Delvist godkendt – se hvilke tider I har fået"),
    frozenset({"decided", "granted_in_part", "booked"}))
CANCELLED = State("cancelled", N_("Aflyst"), N_("Aflyst"), frozenset({"terminal", "finished", "decided"}))

APPROVE_EFFECTS = DECISION_EFFECTS + ("create_bookings",)
GRANTED = ("approved", "partly_approved")


def decisions(source: str, roles: frozenset[str], guards: tuple[str, ...], effects: tuple[str, ...]) -> tuple[Transition, ...]:
    """Return approve / partly approve / reject from ``source`` under shared ``guards``."""
    negative = guards + ("hearing_confirmed",)
    booking = effects + ("create_bookings",)
    return (
        Transition("approve", (source,), "approved", roles, N_("Godkend"), guards, booking, "primary"),
        Transition("partly_approve", (source,), "partly_approved", roles, N_("Godkend delvist"), negative, booking),
        Transition("reject", (source,), "rejected", roles, N_("Giv afslag"), negative, effects, "danger"),
    )


WORKFLOW = Workflow(
    name="premises_loan",
    label=N_("Lån af lokaler og faciliteter"),
    description=N_(
        "Anmodning om at låne et kommunalt lokale, en hal eller udstyr. Almindelige bookinger "
        "afgøres af forvaltningen; sæsonansøgninger fordeles af udvalget."),
    start="draft",
    states=(DRAFT, REQUESTED, NEEDS_INFORMATION, COMMITTEE, APPROVED, PARTLY_APPROVED, REJECTED,
            CANCELLED, CLOSED, WITHDRAWN, DISCARDED),
    transitions=(
        Transition(
            "submit", ("draft",), "requested", APPLICANT, N_("Send anmodning"),
            effects=("assign_case_number", "notify_applicant", "notify_caseworker"), style="primary"),
        Transition("discard", ("draft",), "discarded", APPLICANT, N_("Slet kladden"), style="danger"),
        Transition(
            "request_information", ("requested",), "needs_information", STAFF, N_("Bed om oplysninger"),
            effects=("notify_applicant", "start_reply_deadline")),
        Transition(
            "answer_information", ("needs_information",), "requested", APPLICANT, N_("Send oplysningerne"),
            effects=("notify_caseworker", "stop_reply_deadline"), style="primary"),
        Transition(
            "resume_processing", ("needs_information",), "requested", STAFF, N_("Genoptag behandlingen"),
            effects=("stop_reply_deadline",)),
        # Performed by the system acting as caseworker, e.g. right after submit; it is a
        # separate action so the journal shows that no person decided.
        Transition(
            "auto_approve", ("requested",), "approved", STAFF, N_("Godkend automatisk"),
            guards=("auto_approve_enabled", "not_seasonal"), effects=APPROVE_EFFECTS),
        *decisions("requested", STAFF, ("not_seasonal",), DECISION_EFFECTS),
        Transition(
            "send_to_committee", ("requested",), "committee", STAFF, N_("Send til udvalget"),
            guards=("is_seasonal",), effects=("notify_committee",), style="primary"),
        *decisions("committee", CHAIR, (), COMMITTEE_DECISION_EFFECTS),
        Transition(
            "cancel", GRANTED, "cancelled", APPLICANT, N_("Aflys bookingen"),
            effects=("release_bookings", "notify_caseworker"), style="danger"),
        # Revoking a booking is a negative decision: it needs partshøring and a letter.
        Transition(
            "cancel_by_municipality", GRANTED, "cancelled", STAFF, N_("Aflys på kommunens vegne"),
            guards=("hearing_confirmed",),
            effects=("release_bookings", "record_decision", "render_decision_letter", "notify_applicant"),
            style="danger"),
        Transition("close", GRANTED + ("rejected",), "closed", STAFF, N_("Afslut sagen")),
        Transition(
            "withdraw", ("requested", "committee"), "withdrawn", APPLICANT, N_("Træk anmodningen tilbage"),
            effects=("notify_caseworker",), style="danger"),
        Transition(
            "withdraw", ("needs_information",), "withdrawn", APPLICANT, N_("Træk anmodningen tilbage"),
            effects=("notify_caseworker", "stop_reply_deadline"), style="danger"),
    ),
)

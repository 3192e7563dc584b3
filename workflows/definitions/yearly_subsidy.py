"""Beregnet tilskud: an association's share of a yearly scheme (aktivitetstilskud, lokaletilskud § 25).

Nobody applies. When the committee closes the meeting that approved the scheme's batch, every association
in it gets a case born with the committee's decision: granted (its calculated amount, then paid, in
instalments where the pool says so, and closed) or rejected (the calculation gave nothing, e.g. a
membership fee below the minimum). The decision and its letter are written by the meeting's close for all
the batch's lines at once, so the transitions carry no effects. The settlement against the accounts is part
of next year's report, so there is no report step here.
"""

from workflows.definitions._common import CHAIR, CLOSED, COMMITTEE, GRANTED, REJECTED, STAFF
from workflows.engine import Transition, Workflow
from workflows.i18n import N_

WORKFLOW = Workflow(
    name="yearly_subsidy",
    label=N_("Beregnet tilskud"),
    description=N_(
        "Et tilskud beregnet ud fra foreningens årlige indberetning: udvalget godkender hele beregningen, "
        "hver forening får en afgørelse med sin beregning, og tilskuddet udbetales."),
    start="committee",
    states=(COMMITTEE, GRANTED, REJECTED, CLOSED),
    transitions=(
        Transition("decide_grant", ("committee",), "granted", CHAIR, N_("Bevilg"), style="primary"),
        Transition("decide_reject", ("committee",), "rejected", CHAIR, N_("Giv afslag"), style="danger"),
        Transition(
            "mark_paid", ("granted",), "closed", STAFF, N_("Markér som udbetalt"),
            effects=("notify_applicant",), style="primary"),
        Transition("close", ("rejected",), "closed", STAFF, N_("Afslut sagen")),
    ),
)

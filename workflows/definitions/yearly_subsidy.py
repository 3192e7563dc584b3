"""Beregnet tilskud: an association's share of a yearly scheme (aktivitetstilskud, lokaletilskud § 25).

Nobody applies: the case begins granted when the committee approves the scheme's batch, with the
decision and its letter; it is paid (in instalments where the pool says so) and then closed. The
settlement against the accounts is part of next year's report, so there is no report step here.
"""

from workflows.definitions._common import CLOSED, GRANTED, STAFF
from workflows.engine import Transition, Workflow
from workflows.i18n import N_

WORKFLOW = Workflow(
    name="yearly_subsidy",
    label=N_("Beregnet tilskud"),
    description=N_(
        "Et tilskud beregnet ud fra foreningens årlige indberetning: udvalget godkender hele beregningen, "
        "hver forening får en afgørelse med sin beregning, og tilskuddet udbetales."),
    start="granted",
    states=(GRANTED, CLOSED),
    transitions=(
        Transition(
            "mark_paid", ("granted",), "closed", STAFF, N_("Markér som udbetalt"),
            effects=("notify_applicant",), style="primary"),
    ),
)

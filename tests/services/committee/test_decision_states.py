"""Decisions, letters, minutes and the committee name the states a decision leads to by tag, not by name."""
import re

import pytest
from sqlalchemy import CheckConstraint

from app.models import Case, Decision
from app.pdf.letter import CANCEL, GRANT, PARTLY, REJECT
from app.services.committee import letters, meetings
from workflows import registry

# Every (workflow, state) a transition recording a decision leads to.
DECISION_STATES = sorted({(wf.name, t.target) for wf in registry.all() for t in wf.transitions
                          if "record_decision" in t.effects})


def _quoted(constraint_name: str) -> set[str]:
    check = next(c for c in Decision.__table__.constraints
                 if isinstance(c, CheckConstraint) and c.name == f"ck_decisions_{constraint_name}")
    return set(re.findall(r"'(\w+)'", str(check.sqltext)))


def test_the_database_accepts_exactly_the_decision_states():
    assert _quoted("outcome") == {state for _wf, state in DECISION_STATES}


def test_the_database_lets_only_a_full_grant_go_without_reasons():
    assert _quoted("reason_required") == set(registry.states_tagged("granted_in_full"))


@pytest.mark.parametrize(("workflow", "state", "outcome"), [
    (registry.SUBSIDY, "granted", GRANT), (registry.SUBSIDY, "partly_granted", PARTLY),
    (registry.SUBSIDY, "rejected", REJECT), (registry.NEW_INITIATIVE, "granted", GRANT),
    (registry.PREMISES_LOAN, "approved", GRANT), (registry.PREMISES_LOAN, "partly_approved", PARTLY),
    (registry.PREMISES_LOAN, "rejected", REJECT), (registry.PREMISES_LOAN, "cancelled", CANCEL),
])
def test_the_letter_says_what_the_decision_state_means(workflow, state, outcome):
    assert (workflow, state) in DECISION_STATES
    assert letters.letter_outcome(workflow, state) == outcome


@pytest.mark.parametrize(("workflow", "proposal", "action"), [
    (registry.SUBSIDY, "grant", "decide_grant"), (registry.SUBSIDY, "partly", "decide_partly"),
    (registry.SUBSIDY, "reject", "decide_reject"), (registry.NEW_INITIATIVE, "partly", "decide_partly"),
    (registry.PREMISES_LOAN, "grant", "approve"), (registry.PREMISES_LOAN, "partly", "partly_approve"),
    (registry.PREMISES_LOAN, "reject", "reject"),
])
def test_the_committee_proposal_picks_the_deciding_action(workflow, proposal, action):
    assert meetings.committee_action(Case(workflow=workflow, state="committee"), proposal) == action

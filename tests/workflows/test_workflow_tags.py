"""What a state means: the tags the app asks by, instead of naming states."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workflows import TAGS, State, WorkflowDefinitionError, registry, validate
from tests.workflows.test_workflow_registry import BASE

# Each tag pinned to the states that carry it: the app's old hand-written tuples, now in one place.
EXPECTED = {
    "draft": {"draft"},
    "discarded": {"discarded"},
    "open": {"submitted", "screening", "needs_information", "assessment", "recommended", "committee", "requested"},
    "awaiting_caseworker": {"submitted", "screening", "assessment", "recommended", "requested"},
    "awaiting_applicant": {"needs_information", "report_due"},
    "information_requested": {"needs_information"},
    "awaiting_committee": {"committee"},
    "assessable": {"screening", "assessment"},  # was assessment.EDITABLE_STATES
    "decided": {"granted", "partly_granted", "rejected", "paid", "report_due", "reported", "closed",
                "approved", "partly_approved", "cancelled"},
    "granted_in_full": {"granted", "approved"},  # was FULL_YES (models/decision.py and pdf/letter.py)
    "granted_in_part": {"partly_granted", "partly_approved"},
    "refused": {"rejected"},
    "payable": {"granted", "partly_granted"},  # was payouts.GRANTED_STATES
    "awaiting_report": {"paid", "report_due"},  # was reporting.AWAITING_REPORT and reminders.REPORT_STATES
    "report_requested": {"report_due"},
    "report_received": {"reported"},
    "repayable": {"paid", "report_due", "reported", "closed"},  # was repayment.CLAIMABLE_STATES
    "booked": {"approved", "partly_approved"},
    "abandoned": {"withdrawn", "discarded"},
    "finished": {"closed", "rejected", "withdrawn", "discarded", "cancelled"},  # was FINISHED_STATES
    "terminal": {"closed", "withdrawn", "discarded", "cancelled"},
}


def test_every_tag_is_pinned_and_carried_by_some_state():
    assert set(EXPECTED) == set(TAGS)


@pytest.mark.parametrize("tag", sorted(EXPECTED))
def test_states_tagged(tag):
    assert set(registry.states_tagged(tag)) == EXPECTED[tag]


def test_several_tags_give_the_union_in_definition_order():
    assert registry.states_tagged("draft", "terminal") == ("draft", "closed", "withdrawn", "discarded", "cancelled")


def test_one_workflow_only():
    premises = registry.states_tagged("awaiting_caseworker", "information_requested", workflow=registry.PREMISES_LOAN)
    assert premises == ("requested", "needs_information")
    assert registry.states_tagged("booked", workflow=registry.SUBSIDY) == ()


def test_an_unknown_tag_is_refused_not_answered_with_nothing():
    with pytest.raises(ValueError, match="unknown state tag"):
        registry.states_tagged("closd")
    with pytest.raises(ValueError, match="unknown state tag"):
        registry.has_tag(registry.SUBSIDY, "closed", "closd")


def test_has_tag():
    assert registry.has_tag(registry.SUBSIDY, "committee", "awaiting_committee")
    assert registry.has_tag(registry.PREMISES_LOAN, "approved", "booked")
    assert not registry.has_tag(registry.NEW_INITIATIVE, "granted", "booked")


def test_every_tag_has_a_meaning():
    assert all(isinstance(meaning, str) and meaning for meaning in TAGS.values())


def test_workflow_names():
    assert set(registry.names()) == {registry.SUBSIDY, registry.NEW_INITIATIVE, registry.PREMISES_LOAN,
                                     registry.YEARLY_SUBSIDY}
    assert not registry.applied_for(registry.YEARLY_SUBSIDY) and registry.applied_for(registry.SUBSIDY)
    assert registry.PREMISES_LOAN not in registry.GRANT_WORKFLOWS


def test_a_tag_without_the_tag_it_implies_is_refused():
    done = replace(BASE.states[2], tags=frozenset({"terminal"}))
    with pytest.raises(WorkflowDefinitionError, match="'done' is tagged terminal but not finished"):
        validate(replace(BASE, states=BASE.states[:2] + (done,)))


def test_a_state_name_means_the_same_in_every_workflow():
    reopened = State("open", "Åben", "Modtaget", frozenset({"open", "assessable"}))
    other = replace(BASE, name="other", states=(BASE.states[0], reopened, BASE.states[2]))
    with pytest.raises(WorkflowDefinitionError, match="state 'open' has other tags in 'other' than in 'tiny'"):
        registry.build((BASE, other))

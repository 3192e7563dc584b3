"""Registry lookups and validation of broken definitions."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from workflows import (
    GUARD_REASONS,
    State,
    Transition,
    UnknownWorkflow,
    Workflow,
    WorkflowDefinitionError,
    registry,
    validate,
)

APPLICANT = frozenset({"applicant"})
STAFF = frozenset({"caseworker"})

BASE = Workflow(
    name="tiny",
    label="Lille",
    description="Et lille testforløb.",
    start="draft",
    states=(
        State("draft", "Kladde", "Kladde", frozenset({"draft"})),
        State("open", "Åben", "Modtaget", frozenset({"open"})),
        State("done", "Færdig", "Færdig", frozenset({"terminal", "finished"})),
    ),
    transitions=(
        Transition("submit", ("draft",), "open", APPLICANT, "Indsend"),
        Transition("finish", ("open",), "done", STAFF, "Afslut", effects=("notify_applicant",)),
    ),
)


def with_transitions(*extra: Transition, keep: int = 2) -> Workflow:
    return replace(BASE, transitions=BASE.transitions[:keep] + extra)


def with_states(*extra: State) -> Workflow:
    return replace(BASE, states=BASE.states + extra)


def test_the_base_fixture_is_valid():
    validate(BASE)


@pytest.mark.parametrize(("broken", "problem"), [
    (with_transitions(Transition("jump", ("open",), "nowhere", STAFF, "Hop")), "unknown target 'nowhere'"),
    (with_transitions(Transition("jump", ("limbo",), "done", STAFF, "Hop")), "unknown source 'limbo'"),
    (with_transitions(Transition("jump", (), "done", STAFF, "Hop")), "no source state"),
    (with_states(State("orphan", "Forældreløs", "Forældreløs", frozenset({"terminal", "finished"}))), "'orphan' is unreachable"),
    (replace(with_transitions(Transition("park", ("open",), "parked", STAFF, "Parkér")),
             states=BASE.states + (State("parked", "Parkeret", "Parkeret"),)),
     "non-terminal state 'parked' is a dead end"),
    (with_transitions(Transition("reopen", ("done",), "open", STAFF, "Genåbn")), "terminal state 'done' has an exit"),
    (with_transitions(Transition("nobody", ("open",), "done", frozenset(), "Ingen")), "no role may perform it"),
    (with_transitions(Transition("mayor", ("open",), "done", frozenset({"mayor"}), "Borgmester")), "unknown role 'mayor'"),
    (with_transitions(Transition("spam", ("open",), "done", STAFF, "Spam", effects=("send_fax",))), "unknown effect 'send_fax'"),
    (with_transitions(Transition("lucky", ("open",), "done", STAFF, "Held", guards=("is_lucky",))), "unknown guard 'is_lucky'"),
    (with_transitions(Transition("shiny", ("open",), "done", STAFF, "Blank", style="glitter")), "unknown style 'glitter'"),
    (with_transitions(Transition("FinishNow", ("open",), "done", STAFF, "Nu")), "not snake_case"),
    (with_transitions(Transition("mute", ("open",), "done", STAFF, "")), "no label"),
    (with_transitions(Transition("finish", ("open",), "draft", STAFF, "Afslut igen")), "ambiguous action 'finish'"),
    (with_transitions(Transition("finish", ("open",), "draft", STAFF, "Afslut igen", guards=("is_seasonal",))),
     "ambiguous action 'finish'"),
    (replace(BASE, states=BASE.states + (State("open", "Åben igen", "Åben"),)), "duplicate state 'open'"),
    (replace(BASE, start="begin"), "start state 'begin' does not exist"),
    (replace(BASE, states=(replace(BASE.states[0], tags=frozenset({"draft", "urgent"})),) + BASE.states[1:]),
     "unknown tag 'urgent'"),
    (replace(BASE, states=BASE.states[:1] + (replace(BASE.states[1], tags=frozenset({"draft"})),) + BASE.states[2:]),
     "'open' is tagged draft but is not the start"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_validate_names_the_workflow_and_the_problem(broken, problem):
    with pytest.raises(WorkflowDefinitionError) as info:
        validate(broken)
    assert "Workflow 'tiny'" in str(info.value)
    assert problem in str(info.value)


def test_same_action_from_same_source_is_fine_with_distinct_guards():
    wf = replace(BASE, transitions=(
        BASE.transitions[0],
        Transition("finish", ("open",), "done", STAFF, "Afslut", guards=("within_delegation_limit",)),
        Transition("finish", ("open",), "draft", STAFF, "Afslut", guards=("above_delegation_limit",)),
    ))
    validate(wf)


def test_engine_picks_the_transition_whose_guards_pass():
    from workflows import Context, apply
    wf = replace(BASE, transitions=(
        BASE.transitions[0],
        Transition("finish", ("open",), "done", STAFF, "Afslut", guards=("within_delegation_limit",)),
        Transition("finish", ("open",), "draft", STAFF, "Afslut", guards=("above_delegation_limit",)),
    ))
    within = Context(amount_applied=1, delegation_limit=10)
    above = Context(amount_applied=100, delegation_limit=10)
    assert apply(wf, "open", "finish", STAFF, within).target == "done"
    assert apply(wf, "open", "finish", STAFF, above).target == "draft"


def test_build_refuses_two_workflows_with_one_name():
    with pytest.raises(WorkflowDefinitionError, match="defined twice"):
        registry.build((BASE, BASE))


def test_build_stops_at_a_broken_definition():
    broken = replace(BASE, start="begin")
    with pytest.raises(WorkflowDefinitionError, match="start state 'begin'"):
        registry.build((broken,))


def test_registered_workflows():
    assert set(registry.names()) == {"subsidy", "new_initiative", "premises_loan", "yearly_subsidy"}
    assert [wf.name for wf in registry.all()] == list(registry.names())
    for wf in registry.all():
        validate(wf)
        assert registry.get(wf.name) is wf


def test_unknown_workflow_is_a_clear_key_error():
    with pytest.raises(UnknownWorkflow) as info:
        registry.get("lottery")
    assert isinstance(info.value, KeyError)
    assert str(info.value).startswith("Unknown workflow 'lottery'")
    assert "subsidy" in str(info.value)


@pytest.mark.parametrize("wf", registry.all(), ids=lambda wf: wf.name)
def test_state_names_stay_in_the_shared_vocabulary(wf):
    vocabulary = {
        "draft", "submitted", "screening", "needs_information", "assessment", "recommended", "committee",
        "granted", "partly_granted", "rejected", "paid", "report_due", "reported", "closed", "withdrawn",
        "discarded", "requested", "approved", "partly_approved", "cancelled",
    }
    assert {s.name for s in wf.states} <= vocabulary


def test_every_label_is_found_by_babel_extraction():
    extract = pytest.importorskip("babel.messages.extract")
    root = Path(__file__).resolve().parents[2] / "workflows"
    found = {msg for path in root.rglob("*.py")
             for _, msg, _, _ in extract.extract_from_file("python", str(path), keywords={"N_": None})}
    wanted = set(GUARD_REASONS.values())
    for wf in registry.all():
        wanted |= {wf.label, wf.description}
        wanted |= {label for s in wf.states for label in (s.staff_label, s.public_label)}
        wanted |= {t.label for t in wf.transitions}
    assert wanted - found == set()

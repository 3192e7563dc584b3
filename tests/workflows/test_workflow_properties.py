"""Stateful property tests: random actors never break a workflow, and the journal replays."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from workflows import (
    EFFECTS,
    ROLES,
    Context,
    TransitionNotAllowed,
    Workflow,
    apply,
    available_actions,
    registry,
    replay,
)

amounts = st.one_of(st.none(), st.sampled_from([0, 5_000, 10_000, 50_000, 100_000]), st.integers(0, 200_000))
contexts = st.builds(
    Context,
    amount_applied=amounts, recommended_amount=amounts, delegation_limit=amounts, fast_track_limit=amounts,
    is_informal_group=st.booleans(), hearing_confirmed=st.booleans(), is_seasonal=st.booleans(),
    auto_approve=st.booleans(), before_deadline=st.booleans(),
    # Mostly able to act, so random runs get deep into the workflow.
    is_inhabil=st.sampled_from([False, False, False, True]),
)
# Facts under which people can act; amounts and limits stay random.
workable_contexts = st.builds(
    Context,
    amount_applied=amounts, recommended_amount=amounts, delegation_limit=amounts, fast_track_limit=amounts,
    is_seasonal=st.booleans(), auto_approve=st.booleans(), hearing_confirmed=st.just(True),
)
role_sets = st.one_of(
    st.sampled_from(sorted(ROLES)).map(lambda r: frozenset({r})),
    st.frozensets(st.sampled_from(sorted(ROLES)), max_size=3),
)
PERMISSIVE = Context(amount_applied=1, delegation_limit=1, fast_track_limit=1, hearing_confirmed=True,
                     auto_approve=True, before_deadline=True)

SETTINGS = settings(max_examples=200, stateful_step_count=30, deadline=None)


def machine_for(wf: Workflow) -> type[RuleBasedStateMachine]:
    """Build a state machine that drives ``wf`` with random actors and facts."""

    class WorkflowMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.state = wf.start
            self.journal: list[tuple[str, str, str]] = []

        def record(self, source: str, outcome) -> None:
            assert outcome.source == source
            assert not wf.is_terminal(source), f"left terminal state {source}"
            assert wf.has_state(outcome.target)
            assert set(outcome.effects) <= EFFECTS
            self.journal.append((outcome.action, outcome.source, outcome.target))
            self.state = outcome.target

        @rule(action=st.sampled_from(wf.actions() + ("no_such_action",)), roles=role_sets, ctx=contexts)
        def try_any_action(self, action: str, roles: frozenset[str], ctx: Context) -> None:
            offered = {t.action for t in available_actions(wf, self.state, roles, ctx)}
            try:
                outcome = apply(wf, self.state, action, roles, ctx)
            except TransitionNotAllowed as exc:
                assert action not in offered
                assert exc.message
                return
            assert action in offered
            self.record(self.state, outcome)

        @rule(pick=st.integers(0, 20), roles=role_sets, ctx=contexts)
        def take_an_offered_action(self, pick: int, roles: frozenset[str], ctx: Context) -> None:
            offered = available_actions(wf, self.state, roles, ctx)
            if offered:
                chosen = offered[pick % len(offered)]
                outcome = apply(wf, self.state, chosen.action, roles, ctx)
                assert outcome.target == chosen.target
                self.record(self.state, outcome)

        @rule(pick=st.integers(0, 20), ctx=workable_contexts)
        def anyone_moves_the_case_on(self, pick: int, ctx: Context) -> None:
            # Prefer actions that keep the case open: the other rules end cases early
            # (withdraw is offered almost everywhere), and deep states need testing too.
            offered = available_actions(wf, self.state, ROLES, ctx)
            ends_only = all(wf.is_terminal(t.target) for t in wf.transitions_from(self.state))
            onward = offered if ends_only else [t for t in offered if not wf.is_terminal(t.target)]
            if onward:
                chosen = onward[pick % len(onward)]
                self.record(self.state, apply(wf, self.state, chosen.action, ROLES, ctx))

        @invariant()
        def state_is_defined(self) -> None:
            assert wf.has_state(self.state)

        @invariant()
        def terminal_states_offer_nothing(self) -> None:
            if wf.is_terminal(self.state):
                assert available_actions(wf, self.state, ROLES, PERMISSIVE) == []

        @invariant()
        def journal_reproduces_the_state(self) -> None:
            assert replay(wf, self.journal) == self.state

    WorkflowMachine.__name__ = f"{wf.name.title().replace('_', '')}Machine"
    return WorkflowMachine


TestSubsidyMachine = machine_for(registry.get("subsidy")).TestCase
TestNewInitiativeMachine = machine_for(registry.get("new_initiative")).TestCase
TestPremisesLoanMachine = machine_for(registry.get("premises_loan")).TestCase
TestYearlySubsidyMachine = machine_for(registry.get("yearly_subsidy")).TestCase
TestSubsidyMachine.settings = TestNewInitiativeMachine.settings = TestPremisesLoanMachine.settings = SETTINGS
TestYearlySubsidyMachine.settings = SETTINGS


def test_a_machine_exists_for_every_registered_workflow():
    assert set(registry.names()) == {"subsidy", "new_initiative", "premises_loan", "yearly_subsidy"}

"""The registry of workflows, keyed by name, validated when it is built."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from types import MappingProxyType

from workflows.definitions import new_initiative, premises_loan, subsidy, yearly_subsidy
from workflows.engine import EFFECTS, GUARDS, ROLES, STYLES, TAG_IMPLIES, TAGS, Transition, Workflow

_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


class WorkflowDefinitionError(Exception):
    """Raised when a workflow definition is inconsistent."""


class UnknownWorkflow(KeyError):
    """Raised by ``get`` for a name that is not registered."""

    def __str__(self) -> str:
        # KeyError would otherwise repr() the message and wrap it in quotes.
        return str(self.args[0]) if self.args else "unknown workflow"


def _state_problems(wf: Workflow) -> Iterator[str]:
    seen: set[str] = set()
    for s in wf.states:
        if s.name in seen:
            yield f"duplicate state '{s.name}'"
        seen.add(s.name)
        if not _SNAKE.match(s.name):
            yield f"state name '{s.name}' is not snake_case"
        if not s.staff_label or not s.public_label:
            yield f"state '{s.name}' lacks a staff or public label"
        for tag in sorted(set(s.tags) - TAGS.keys()):
            yield f"state '{s.name}' has unknown tag '{tag}'"
        for tag, implied in TAG_IMPLIES:
            if tag in s.tags and implied not in s.tags:
                yield f"state '{s.name}' is tagged {tag} but not {implied}"
        if "draft" in s.tags and s.name != wf.start:
            yield f"state '{s.name}' is tagged draft but is not the start"
    if wf.start not in seen:
        yield f"start state '{wf.start}' does not exist"


def _transition_problems(wf: Workflow, t: Transition) -> Iterator[str]:
    where = f"transition '{t.action}'"
    if not _SNAKE.match(t.action):
        yield f"{where}: action is not snake_case"
    if not t.label:
        yield f"{where}: no label"
    if not t.sources:
        yield f"{where}: no source state"
    for name in t.sources:
        if not wf.has_state(name):
            yield f"{where}: unknown source '{name}'"
    if not wf.has_state(t.target):
        yield f"{where}: unknown target '{t.target}'"
    if not t.roles:
        yield f"{where}: no role may perform it"
    for role in sorted(set(t.roles) - ROLES):
        yield f"{where}: unknown role '{role}'"
    for name in t.guards:
        if name not in GUARDS:
            yield f"{where}: unknown guard '{name}'"
    for name in t.effects:
        if name not in EFFECTS:
            yield f"{where}: unknown effect '{name}'"
    if t.style not in STYLES:
        yield f"{where}: unknown style '{t.style}'"


def _reachable(wf: Workflow) -> set[str]:
    seen, frontier = {wf.start}, [wf.start]
    while frontier:
        for t in wf.transitions_from(frontier.pop()):
            if t.target not in seen:
                seen.add(t.target)
                frontier.append(t.target)
    return seen


def _graph_problems(wf: Workflow) -> Iterator[str]:
    reachable = _reachable(wf)
    for s in wf.states:
        exits = wf.transitions_from(s.name)
        if s.name not in reachable:
            yield f"state '{s.name}' is unreachable from '{wf.start}'"
        if "terminal" in s.tags and exits:
            yield f"terminal state '{s.name}' has an exit ('{exits[0].action}')"
        if "terminal" not in s.tags and not exits:
            yield f"non-terminal state '{s.name}' is a dead end (no exit)"


def _ambiguity_problems(wf: Workflow) -> Iterator[str]:
    ts = wf.transitions
    for i, a in enumerate(ts):
        for b in ts[i + 1:]:
            shared = set(a.sources) & set(b.sources)
            if a.action != b.action or not shared:
                continue
            # The engine picks the first transition whose guards pass, so two
            # transitions for one action and source must be told apart by guards.
            if not a.guards or not b.guards or set(a.guards) == set(b.guards):
                yield f"ambiguous action '{a.action}' from '{sorted(shared)[0]}' (guards must tell them apart)"


def problems(wf: Workflow) -> list[str]:
    """Return every problem found in ``wf`` (empty when it is valid)."""
    found = list(_state_problems(wf))
    for t in wf.transitions:
        found.extend(_transition_problems(wf, t))
    if found:
        return found  # the graph checks would only repeat these
    return list(_graph_problems(wf)) + list(_ambiguity_problems(wf))


def validate(wf: Workflow) -> None:
    """Raise ``WorkflowDefinitionError`` naming the workflow and its problems, if any."""
    found = problems(wf)
    if found:
        raise WorkflowDefinitionError(f"Workflow '{wf.name}' is invalid: " + "; ".join(found))


def _shared_state_problems(workflows: tuple[Workflow, ...]) -> Iterator[str]:
    # Cases are filtered by state name alone (Case.state IN ...), so a name must mean one thing.
    tags: dict[str, tuple[str, frozenset[str]]] = {}
    for wf in workflows:
        for s in wf.states:
            first, seen = tags.setdefault(s.name, (wf.name, s.tags))
            if seen != s.tags:
                yield f"state '{s.name}' has other tags in '{wf.name}' than in '{first}'"


def build(workflows: tuple[Workflow, ...]) -> MappingProxyType[str, Workflow]:
    """Validate ``workflows`` and return them as a read-only mapping by name."""
    registry: dict[str, Workflow] = {}
    for wf in workflows:
        validate(wf)
        if wf.name in registry:
            raise WorkflowDefinitionError(f"Workflow '{wf.name}' is defined twice")
        registry[wf.name] = wf
    found = list(_shared_state_problems(workflows))
    if found:
        raise WorkflowDefinitionError("; ".join(found))
    return MappingProxyType(registry)


# Validated at import on purpose: a broken definition must stop the app from starting.
REGISTRY = build((subsidy.WORKFLOW, new_initiative.WORKFLOW, premises_loan.WORKFLOW, yearly_subsidy.WORKFLOW))

# The names the app needs to pick a workflow (a pool's kind) or to tell money from premises.
SUBSIDY = subsidy.WORKFLOW.name
NEW_INITIATIVE = new_initiative.WORKFLOW.name
PREMISES_LOAN = premises_loan.WORKFLOW.name
YEARLY_SUBSIDY = yearly_subsidy.WORKFLOW.name
# Grant workflows deal in money (amounts, payments, reports); a premises loan lends rooms instead.
GRANT_WORKFLOWS = (SUBSIDY, NEW_INITIATIVE, YEARLY_SUBSIDY)


def get(name: str) -> Workflow:
    """Return the workflow called ``name`` or raise ``UnknownWorkflow``."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownWorkflow(f"Unknown workflow '{name}'; known: {', '.join(names())}") from None


def names() -> tuple[str, ...]:
    """Return the registered workflow names."""
    return tuple(REGISTRY)


def applied_for(name: str) -> bool:
    """Tell whether cases of workflow ``name`` begin as an application (a draft the applicant sends)."""
    workflow = get(name)
    return workflow.has_tag(workflow.start, "draft")


def all() -> tuple[Workflow, ...]:  # noqa: A001 - the requested name; shadows the builtin here only
    """Return every registered workflow."""
    return tuple(REGISTRY.values())


def _known_tags(tags: tuple[str, ...]) -> None:
    unknown = [t for t in tags if t not in TAGS]
    if unknown or not tags:
        raise ValueError(f"unknown state tag(s) {unknown}; known: {', '.join(TAGS)}")


@lru_cache(maxsize=None)
def states_tagged(*tags: str, workflow: str | None = None) -> tuple[str, ...]:
    """Return the names of the states carrying any of ``tags``, in one workflow or in all of them."""
    _known_tags(tags)
    found: dict[str, None] = {}
    for wf in (get(workflow),) if workflow else all():
        found.update((s.name, None) for s in wf.states if s.tags & set(tags))
    return tuple(found)


def has_tag(workflow: str, state: str, tag: str) -> bool:
    """Tell whether ``state`` of ``workflow`` carries ``tag``."""
    _known_tags((tag,))
    return get(workflow).has_tag(state, tag)

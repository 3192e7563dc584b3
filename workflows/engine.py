"""Workflow data types and the small engine that runs them.

Definitions are plain data (``State``, ``Transition``, ``Workflow``); the engine answers
which actions a set of roles may take in a state and what applying one leads to. The
engine never touches a database: callers pass the facts guards need in a ``Context``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

from workflows.i18n import N_

ROLES = frozenset({"applicant", "caseworker", "committee_member", "committee_chair", "administrator"})
APPLICANT_ROLES = frozenset({"applicant"})
STAFF_ROLES = ROLES - APPLICANT_ROLES

# What a state means. The app asks by tag (registry.states_tagged, registry.has_tag) and never by
# state name, so a new state only needs the right tags to be listed, counted and guarded everywhere.
TAGS: Mapping[str, str] = MappingProxyType({
    "draft": "the application is being written and has not been sent",
    "discarded": "a draft deleted before it was sent: never a case for the municipality",
    "open": "submitted and still being processed",
    "awaiting_caseworker": "with the caseworker; nobody else has been asked",
    "awaiting_applicant": "the applicant must act before a deadline",
    "information_requested": "the municipality has asked the applicant for information",
    "awaiting_committee": "waiting for the political committee's decision",
    "assessable": "the caseworker may score the application against the pool's criteria",
    "decided": "the municipality has made its decision",
    "granted_in_full": "decided: everything asked for is granted, so the decision needs no reasons",
    "granted_in_part": "decided: part of what was asked for is granted",
    "refused": "decided: nothing is granted",
    "payable": "money is granted and not yet paid out",
    "awaiting_report": "paid out; the association's report is still to come",
    "report_requested": "the municipality has asked for the report, so the association may send it now",
    "report_received": "the association's report is in and waits for the caseworker",
    "repayable": "money may have been paid out, so the municipality may claim some of it back",
    "booked": "premises are reserved for the association; the case lasts until the last booking",
    "abandoned": "the applicant gave the application up (withdrawn, or discarded as a draft)",
    "finished": "nothing more is expected of the applicant or the municipality",
    "terminal": "no action leads out of the state",
})
# A state with the first tag must carry the second: the wider question must not miss it.
TAG_IMPLIES: tuple[tuple[str, str], ...] = (
    ("terminal", "finished"), ("discarded", "abandoned"), ("awaiting_caseworker", "open"),
    ("awaiting_committee", "open"), ("information_requested", "awaiting_applicant"),
    ("granted_in_full", "decided"), ("granted_in_part", "decided"), ("refused", "decided"),
    ("report_requested", "awaiting_report"), ("report_requested", "awaiting_applicant"),
)
STYLES = frozenset({"primary", "secondary", "danger"})
# The one list of effects a transition may name; the app binds a handler to each at start-up
# and refuses to start while one is missing (app/services/cases/transitions.py, check_effect_handlers).
EFFECTS = frozenset({
    "notify_applicant", "notify_caseworker", "notify_committee",
    "start_reply_deadline", "stop_reply_deadline",
    "record_decision", "render_decision_letter", "start_report_deadline",
    "create_bookings", "release_bookings", "assign_case_number",
})

# Guards added by the engine to every transition taken in a staff capacity, so no
# definition can forget them (forvaltningsloven §3: an inhabil official may not act).
IMPLICIT_STAFF_GUARDS: tuple[str, ...] = ("not_inhabil",)


@dataclass(frozen=True)
class State:
    """A named case state with separate staff and public labels."""

    name: str
    staff_label: str
    public_label: str
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Transition:
    """An action moving a case from one of ``sources`` to ``target``."""

    action: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    label: str
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    style: str = "secondary"


@dataclass(frozen=True)
class Workflow:
    """A named state machine: states, transitions and a start state."""

    name: str
    label: str
    description: str
    start: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]

    @cached_property
    def _states_by_name(self) -> dict[str, State]:
        return {s.name: s for s in self.states}

    def state(self, name: str) -> State:
        """Return the state called ``name`` (KeyError if unknown)."""
        try:
            return self._states_by_name[name]
        except KeyError:
            raise KeyError(f"Workflow '{self.name}' has no state '{name}'") from None

    def has_state(self, name: str) -> bool:
        """Tell whether ``name`` is a state of this workflow."""
        return name in self._states_by_name

    def transitions_from(self, state: str) -> tuple[Transition, ...]:
        """Return the transitions whose sources include ``state``, in definition order."""
        return tuple(t for t in self.transitions if state in t.sources)

    def has_tag(self, state: str, tag: str) -> bool:
        """Tell whether ``state`` carries ``tag``."""
        return tag in self.state(state).tags

    def is_terminal(self, state: str) -> bool:
        """Tell whether ``state`` is terminal (no exits)."""
        return self.has_tag(state, "terminal")

    def actions(self) -> tuple[str, ...]:
        """Return every distinct action name, in definition order."""
        return tuple(dict.fromkeys(t.action for t in self.transitions))


@dataclass(frozen=True)
class Context:
    """Facts about the case and the acting user that guards read."""

    amount_applied: int | None = None
    recommended_amount: int | None = None
    amount_to_grant: int | None = None  # set when the action itself names the amount (a partial grant)
    delegation_limit: int | None = None
    fast_track_limit: int | None = None
    is_informal_group: bool = False
    hearing_confirmed: bool = False
    is_seasonal: bool = False
    auto_approve: bool = False
    is_inhabil: bool = False
    before_deadline: bool = True


@dataclass(frozen=True)
class Outcome:
    """What applying an action did: the move and the effects the caller must run."""

    source: str
    target: str
    action: str
    effects: tuple[str, ...]


class TransitionNotAllowed(Exception):
    """Raised when an action cannot be applied; ``reason`` is a Danish msgid template."""

    def __init__(self, reason: str, guard: str | None = None, **params: str) -> None:
        self.reason = reason
        self.params = params
        self.guard = guard
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """Return the reason with its parameters filled in (untranslated Danish)."""
        return self.reason % self.params if self.params else self.reason


class ReplayError(ValueError):
    """Raised when a journal is not a legal chain of transitions from the start."""


GUARDS: dict[str, Callable[[Context], bool]] = {}
GUARD_REASONS: dict[str, str] = {}


def guard(name: str, reason: str) -> Callable[[Callable[[Context], bool]], Callable[[Context], bool]]:
    """Register a guard predicate under ``name`` with its Danish refusal reason."""

    def register(predicate: Callable[[Context], bool]) -> Callable[[Context], bool]:
        GUARDS[name] = predicate
        GUARD_REASONS[name] = reason
        return predicate

    return register


def decision_amount(ctx: Context) -> int | None:
    """Return the amount a decision is about: the amount to grant, else the recommendation, else the application."""
    for amount in (ctx.amount_to_grant, ctx.recommended_amount):
        if amount is not None:
            return amount
    return ctx.amount_applied


def _within(limit: int | None, ctx: Context) -> bool:
    amount = decision_amount(ctx)
    return limit is not None and amount is not None and amount <= limit


@guard("within_delegation_limit", N_("Beløbet ligger over forvaltningens bemyndigelse, så udvalget skal træffe afgørelsen."))
def within_delegation_limit(ctx: Context) -> bool:
    return _within(ctx.delegation_limit, ctx)


@guard("above_delegation_limit", N_("Beløbet ligger inden for forvaltningens bemyndigelse, så sagsbehandleren træffer selv afgørelsen."))
def above_delegation_limit(ctx: Context) -> bool:
    return not _within(ctx.delegation_limit, ctx)


@guard("within_fast_track_limit", N_("Beløbet er for stort til hurtig behandling; sagen skal vurderes først."))
def within_fast_track_limit(ctx: Context) -> bool:
    return _within(ctx.fast_track_limit, ctx)


@guard("above_fast_track_limit", N_("Beløbet er lille nok til hurtig behandling."))
def above_fast_track_limit(ctx: Context) -> bool:
    return not _within(ctx.fast_track_limit, ctx)


@guard("hearing_confirmed", N_("Bekræft først, at partshøring er gennemført eller ikke er nødvendig."))
def hearing_confirmed(ctx: Context) -> bool:
    return ctx.hearing_confirmed


@guard("not_inhabil", N_("Du har erklæret dig inhabil i sagen og kan ikke behandle den."))
def not_inhabil(ctx: Context) -> bool:
    return not ctx.is_inhabil


@guard("is_seasonal", N_("Kun sæsonansøgninger fordeles af udvalget."))
def is_seasonal(ctx: Context) -> bool:
    return ctx.is_seasonal


@guard("not_seasonal", N_("Sæsonansøgninger fordeles af udvalget."))
def not_seasonal(ctx: Context) -> bool:
    return not ctx.is_seasonal


@guard("auto_approve_enabled", N_("Automatisk godkendelse er ikke slået til for dette lokale."))
def auto_approve_enabled(ctx: Context) -> bool:
    return ctx.auto_approve


@guard("before_deadline", N_("Ansøgningsfristen er overskredet."))
def before_deadline(ctx: Context) -> bool:
    return ctx.before_deadline


@guard("not_informal_group", N_("Uformelle grupper kan kun søge puljer til nye initiativer."))
def not_informal_group(ctx: Context) -> bool:
    return not ctx.is_informal_group


def effective_guards(transition: Transition, roles: Iterable[str]) -> tuple[str, ...]:
    """Return the guards that apply when ``roles`` take ``transition``."""
    acting = transition.roles & frozenset(roles)
    if acting & APPLICANT_ROLES:
        # Acting as the applicant is never blocked by inhabilitet.
        return transition.guards
    extra = tuple(g for g in IMPLICIT_STAFF_GUARDS if g not in transition.guards)
    return transition.guards + extra


def failing_guard(transition: Transition, roles: Iterable[str], ctx: Context) -> str | None:
    """Return the first guard that refuses ``transition`` for ``roles``, or None."""
    for name in effective_guards(transition, roles):
        if not GUARDS[name](ctx):
            return name
    return None


def _may_act(transition: Transition, roles: frozenset[str]) -> bool:
    return bool(transition.roles & roles)


def available_actions(workflow: Workflow, state: str, roles: Iterable[str], ctx: Context) -> list[Transition]:
    """Return the transitions ``roles`` may take from ``state`` now, one per action."""
    roles = frozenset(roles)
    found: dict[str, Transition] = {}
    for t in workflow.transitions_from(state):
        if t.action not in found and _may_act(t, roles) and failing_guard(t, roles, ctx) is None:
            found[t.action] = t
    return list(found.values())


def blocked_actions(workflow: Workflow, state: str, roles: Iterable[str], ctx: Context) -> list[tuple[Transition, str]]:
    """Return (transition, reason) for actions ``roles`` hold but a guard refuses now."""
    roles = frozenset(roles)
    open_actions = {t.action for t in available_actions(workflow, state, roles, ctx)}
    blocked: dict[str, tuple[Transition, str]] = {}
    for t in workflow.transitions_from(state):
        if t.action in open_actions or t.action in blocked or not _may_act(t, roles):
            continue
        name = failing_guard(t, roles, ctx)
        if name is not None:
            blocked[t.action] = (t, GUARD_REASONS[name])
    return list(blocked.values())


def _resolve(workflow: Workflow, state: str, action: str, roles: frozenset[str], ctx: Context) -> Transition:
    if not workflow.has_state(state):
        raise TransitionNotAllowed(N_("Sagen er i en ukendt tilstand (%(state)s)."), state=state)
    label = workflow.state(state).staff_label
    candidates = [t for t in workflow.transitions_from(state) if t.action == action]
    if not candidates:
        action_label = next((t.label for t in workflow.transitions if t.action == action), action)
        raise TransitionNotAllowed(
            N_("Handlingen »%(action)s« er ikke mulig, når sagen er »%(state)s«."), action=action_label, state=label)
    permitted = [t for t in candidates if _may_act(t, roles)]
    if not permitted:
        raise TransitionNotAllowed(
            N_("Du har ikke adgang til at udføre »%(action)s«."), action=candidates[0].label)
    failures = [failing_guard(t, roles, ctx) for t in permitted]
    for t, failure in zip(permitted, failures):
        if failure is None:
            return t  # definition order breaks ties; the registry forbids unguarded ones
    first = next(f for f in failures if f)
    raise TransitionNotAllowed(GUARD_REASONS[first], guard=first)


def apply(workflow: Workflow, state: str, action: str, roles: Iterable[str], ctx: Context) -> Outcome:
    """Apply ``action`` from ``state`` for ``roles`` or raise ``TransitionNotAllowed``."""
    transition = _resolve(workflow, state, action, frozenset(roles), ctx)
    return Outcome(source=state, target=transition.target, action=action, effects=transition.effects)


def replay(workflow: Workflow, events: Iterable[tuple[str, str, str]]) -> str:
    """Check a journal of (action, from, to) steps from the start and return the final state."""
    # Roles and guards are not re-checked: the facts they read belong to the past.
    state = workflow.start
    for index, (action, source, target) in enumerate(events):
        if source != state:
            raise ReplayError(f"{workflow.name}: step {index} starts in '{source}' but the case is in '{state}'")
        legal = {t.target for t in workflow.transitions_from(source) if t.action == action}
        if target not in legal:
            raise ReplayError(f"{workflow.name}: step {index} '{action}' cannot lead from '{source}' to '{target}'")
        state = target
    return state

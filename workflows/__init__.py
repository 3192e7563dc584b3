"""Case workflows as declarative data run by a small, pure engine.

Imports nothing from the app, Flask or SQLAlchemy; the app asks the engine which actions
exist and what they lead to, then persists the result and runs the named effects.
"""

from workflows import registry
from workflows.diagram import to_outline, to_svg
from workflows.engine import (
    EFFECTS,
    GUARD_REASONS,
    GUARDS,
    IMPLICIT_STAFF_GUARDS,
    ROLES,
    STAFF_ROLES,
    TAGS,
    Context,
    Outcome,
    ReplayError,
    State,
    Transition,
    TransitionNotAllowed,
    Workflow,
    apply,
    available_actions,
    blocked_actions,
    replay,
)
from workflows.i18n import N_
from workflows.registry import REGISTRY, UnknownWorkflow, WorkflowDefinitionError, validate
from workflows.registry import all as all_workflows
from workflows.registry import get as get_workflow
from workflows.registry import names as workflow_names

__all__ = [
    "EFFECTS", "GUARDS", "GUARD_REASONS", "IMPLICIT_STAFF_GUARDS", "N_", "REGISTRY", "ROLES",
    "STAFF_ROLES", "TAGS", "Context", "Outcome", "ReplayError", "State", "Transition",
    "TransitionNotAllowed", "UnknownWorkflow", "Workflow", "WorkflowDefinitionError",
    "all_workflows", "apply", "available_actions", "blocked_actions", "get_workflow", "registry",
    "replay", "to_outline", "to_svg", "validate", "workflow_names",
]

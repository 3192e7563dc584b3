"""No state or workflow name is written in app/: the app asks the workflows what a state means.

A plain grep finds the names in many other vocabularies (a booking is "cancelled", a meeting "closed", a
payment batch "draft" or "paid", an association "approved"), so the check reads the Python and flags a
name where it is used as a case's state or workflow: compared with, assigned to, passed as or filtered
by `.state`, `.workflow`, `.outcome`, `.target`, ...; in a named collection or dict keys made only of
such names; or given to the registry by name. Templates are checked for the same comparisons; their labels
may stay.
"""
from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

from workflows import registry

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"
NAMES = frozenset({s.name for wf in registry.all() for s in wf.states} | set(registry.names()))
# Attributes and variables that hold a state or a workflow name.
FIELDS = frozenset({"state", "workflow", "outcome", "target", "source", "from_state", "to_state"})
# Registry and workflow methods that take a state's name (has_tag is left out: two tags share a state's name).
REGISTRY_CALLS = frozenset({"transitions_from", "has_state", "is_terminal", "state"})
# Names allowed, counted per file: none. Never grow this; ask the registry by tag or use its constants.
ALLOWED: Counter = Counter()


def _is_field(node: ast.AST) -> bool:
    return ((isinstance(node, ast.Attribute) and node.attr in FIELDS)
            or (isinstance(node, ast.Name) and node.id in FIELDS))


def _names_in(node: ast.AST | None) -> list[ast.Constant]:
    """The name literals in `node`: a string, or the strings of a tuple, list or set."""
    if isinstance(node, ast.Constant) and node.value in NAMES:
        return [node]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [n for elt in node.elts for n in _names_in(elt)]
    return []


def _all_names(nodes: list) -> bool:
    strings = [n for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return len(strings) == len(nodes) and len(nodes) >= 2 and all(n.value in NAMES for n in strings)


def _found(node: ast.AST) -> list[ast.Constant]:
    if isinstance(node, ast.Compare):
        sides = [node.left, *node.comparators]
        return [n for side in sides for n in _names_in(side)] if any(map(_is_field, sides)) else []
    if isinstance(node, ast.Call):
        func, hits = node.func, [n for kw in node.keywords if kw.arg in FIELDS for n in _names_in(kw.value)]
        if isinstance(func, ast.Attribute) and (
                (func.attr in ("in_", "not_in") and _is_field(func.value)) or func.attr in REGISTRY_CALLS
                or (func.attr == "get" and isinstance(func.value, ast.Name) and func.value.id == "registry")):
            hits += [n for arg in node.args for n in _names_in(arg)]
        return hits
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if any(map(_is_field, targets)):
            return _names_in(node.value)
        value = node.value.args[0] if isinstance(node.value, ast.Call) and node.value.args else node.value
        if isinstance(value, (ast.Tuple, ast.List, ast.Set)) and _all_names(value.elts):
            return list(value.elts)  # a hand-written set of states, like CLOSED_STATES = (...)
        return []
    if isinstance(node, ast.Dict) and _all_names(node.keys):
        return list(node.keys)
    return []


def state_names_in(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """(line, name) for each state or workflow name used as one in Python `source`."""
    found = {(c.lineno, c.col_offset, c.value) for node in ast.walk(ast.parse(source, filename)) for c in _found(node)}
    return [(line, name) for line, _col, name in sorted(found)]


TEMPLATE_USE = re.compile(r"\.(?:state|workflow)\s*(?:==|!=|not\s+in|in)\s*[(\[]?\s*[\"'](\w+)[\"']")


def template_state_names(text: str) -> list[tuple[int, str]]:
    """(line, name) for each comparison of a case's state or workflow with a name in a template."""
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in TEMPLATE_USE.finditer(text)
            if m.group(1) in NAMES]


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_no_state_or_workflow_name_in_app_python():
    found = [(_relative(p), line, name) for p in sorted(APP.rglob("*.py"))
             for line, name in state_names_in(p.read_text(encoding="utf-8"), str(p))]
    counts = Counter((path, name) for path, _line, name in found)
    new = [f"{path}:{line}: {name}" for path, line, name in found if counts[path, name] > ALLOWED[path, name]]
    assert new == [], "ask the case (Case.state_has), the registry by tag, or use the registry's workflow constants"
    assert counts == ALLOWED, "a name on the allow-list is gone: take it off the list"


def test_no_state_or_workflow_name_in_template_logic():
    found = [f"{_relative(p)}:{line}: {name}" for p in sorted((APP / "templates").rglob("*.html"))
             for line, name in template_state_names(p.read_text(encoding="utf-8"))]
    assert found == [], "ask case.state_has(tag) or case.is_grant, or pass the template a predicate from the view"


@pytest.mark.parametrize("code", [
    'case.state == "draft"',
    'if case.state in ("paid", "report_due"): pass',
    'db.select(Case).where(Case.state.in_(("paid", "report_due")))',
    'db.select(Case).where(Case.state.not_in(["withdrawn"]))',
    'Case.workflow != "premises_loan"',
    'create(workflow="subsidy")',
    'case.state = "granted"',
    'FULL_YES = ("granted", "approved")',
    'CLOSED = frozenset({"closed", "withdrawn"})',
    'WORDS = {"granted": "Bevilget", "rejected": "Afslag"}',
    'registry.get(case.workflow).transitions_from("committee")',
    'workflow.state("granted").staff_label',
    'registry.get("premises_loan")',
    '[c for c in cases if c.state == "requested"]',
    'outcome.target == "partly_granted"',
])
def test_the_check_finds_a_name_used_as_a_state(code):
    assert state_names_in(code)


@pytest.mark.parametrize("code", [
    'booking.status == "cancelled"',
    'meeting.status = "closed"',
    'BATCH_STATUSES = ("draft", "sent", "paid")',
    'claim.status not in ("paid", "cancelled")',
    'relationship(back_populates="committee")',
    'Blueprint("committee", __name__)',
    'registry.states_tagged("awaiting_report")',
    'case.state_has("draft")',
])
def test_the_check_leaves_other_vocabularies_alone(code):
    assert state_names_in(code) == []


def test_the_template_check():
    assert template_state_names('{% if case.state == "draft" %}') == [(1, "draft")]
    assert template_state_names('{% if c.state in ("granted", "paid") %}') == [(1, "granted")]
    assert template_state_names('{% if round.status == "open" %}{{ state_label(case) }}') == []

"""The workflows package stays pure: standard library and itself only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "workflows"
FORBIDDEN = {"app", "flask", "sqlalchemy", "celery", "werkzeug", "wtforms"}
FILES = sorted(ROOT.rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_there_are_files_to_check():
    assert ROOT / "engine.py" in FILES and ROOT / "definitions" / "subsidy.py" in FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_framework_imports(path):
    for name in imported_modules(path):
        top = name.split(".")[0]
        assert top not in FORBIDDEN and not top.startswith("flask_"), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_stdlib_and_itself(path):
    allowed = set(sys.stdlib_module_names) | {"workflows", "__future__"}
    for name in imported_modules(path):
        assert name.split(".")[0] in allowed, f"{path.name} imports {name}"

"""The architecture is held by checks: import-linter's contracts (.importlinter), and no import hidden in a function."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--config", str(config), "--no-cache"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_import_contracts_are_kept():
    result = _lint(ROOT / ".importlinter")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_a_broken_contract_fails(tmp_path):
    config = tmp_path / "broken.ini"
    config.write_text("[importlinter]\nroot_packages =\n    app\n    workflows\n\n"
                      "[importlinter:contract:x]\nname = services may not use models (false on purpose)\n"
                      "type = forbidden\nsource_modules =\n    app.services\nforbidden_modules =\n    app.models\n")
    result = _lint(config)
    assert result.returncode != 0 and "BROKEN" in result.stdout


def _imports_inside_functions(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                module = inner.module if isinstance(inner, ast.ImportFrom) else None
                if module and (module == "app" or module.startswith(("app.", "workflows"))):
                    found.append(f"{path.relative_to(root)}:{inner.lineno} from {module}")
    return found


def test_services_and_tasks_import_our_code_at_the_top_only():
    # Imports inside functions hid a knot between 21 modules; the import graph sees only what is on top.
    found = [hit for folder in ("app/services", "app/tasks") for path in sorted((ROOT / folder).rglob("*.py"))
             for hit in _imports_inside_functions(path)]
    assert found == []


def test_the_function_import_check_finds_one(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import app.services\n\ndef f():\n    from app.services.delivery import outbox\n    return outbox\n")
    assert _imports_inside_functions(sample, tmp_path) == ["sample.py:4 from app.services.delivery"]


# Where a commit or rollback may be written by hand: the unit of work itself, the outbox's delivery of one
# message (it must commit the moment the channel accepts it; see outbox.deliver), and the 500 handler.
HAND_WRITTEN_TRANSACTIONS = {"app/services/unit_of_work.py", "app/services/delivery/outbox.py", "app/main/errors.py"}


def _commits_and_rollbacks(path: Path, root: Path = ROOT) -> list[str]:
    return [f"{path.relative_to(root)}:{node.lineno} {node.func.attr}()"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"commit", "rollback"}]


def test_only_the_unit_of_work_commits():
    # Views never commit or roll back; services are @use_case and the outermost one commits once.
    found = [hit for path in sorted((ROOT / "app").rglob("*.py"))
             if str(path.relative_to(ROOT)) not in HAND_WRITTEN_TRANSACTIONS
             for hit in _commits_and_rollbacks(path)]
    assert found == []


def test_the_commit_check_finds_one(tmp_path):
    sample = tmp_path / "view.py"
    sample.write_text("from app.extensions import db\n\ndef view():\n    db.session.commit()\n")
    assert _commits_and_rollbacks(sample, tmp_path) == ["view.py:4 commit()"]

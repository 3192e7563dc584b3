"""Cold start: what create_app() leaves for later, and that the `flask db` commands still work."""
import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from app import create_app
from app.extensions import db
from config import TestingConfig

ROOT = Path(__file__).resolve().parent.parent

# Libraries only a command, a spreadsheet, a preview, an open-data package, a calendar, a PDF or an uploaded
# picture needs.
LATER = ("alembic", "flask_migrate", "openpyxl", "pypdf", "jsonschema", "icalendar", "reportlab", "PIL")

CHILD = """
import json, sys
from app import create_app
from config import TestingConfig
app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://", MAIL_LOG_PATH=sys.argv[1])
if sys.argv[2] == "worker":  # what a Celery worker imports before its first task: its task modules
    app.extensions["celery"].loader.import_default_modules()
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in sys.argv[3:])))
"""


def started(tmp_path, kind: str) -> list[str]:
    """The LATER libraries in a new process once it has built the app (kind "web") or started a worker."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "mail.log"), kind, *LATER], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_new_process_builds_the_app_without_importing_what_only_some_requests_need(tmp_path):
    assert started(tmp_path, "web") == []


def test_a_celery_worker_starts_without_importing_what_only_some_tasks_need(tmp_path):
    assert started(tmp_path, "worker") == []


def test_flask_db_runs_flask_migrate_on_demand(tmp_path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'db.sqlite'}",
                     MAIL_LOG_PATH=str(tmp_path / "mail.log"))
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["--help"])
    assert "Perform database migrations." in listed.output
    heads = runner.invoke(args=["db", "heads"])  # Alembic prints to the stdout it saw first: not asserted on
    assert heads.exit_code == 0, heads.output
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    from alembic.script import ScriptDirectory
    head = ScriptDirectory(str(ROOT / "migrations")).get_current_head()
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT version_num FROM alembic_version")) == head
        db.engine.dispose()


def test_the_collector_runs_again_after_the_app_is_built(tmp_path):
    create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://", MAIL_LOG_PATH=str(tmp_path / "mail.log"))
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off(tmp_path):
    gc.disable()
    try:
        create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://", MAIL_LOG_PATH=str(tmp_path / "mail.log"))
        assert not gc.isenabled()
    finally:
        gc.enable()


FROZEN = """
import gc, sys
from config import TestingConfig
from app import create_app
gc.freeze()
before = gc.get_freeze_count()
create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://", MAIL_LOG_PATH=sys.argv[1])
print(before > 0, gc.get_freeze_count() > before // 2, gc.isenabled())  # frozen objects that die leave it
"""


def test_a_first_app_leaves_what_the_caller_froze_frozen(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", FROZEN, str(tmp_path / "mail.log")], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True", "True"]

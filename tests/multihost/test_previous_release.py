"""The previous release's code on the new schema: during a deploy without downtime (README, "Ny version uden
nedetid") the old web processes keep serving after the expanding migration ran, so every read page of the old code
must still answer on the migrated database.

The old code is the commit named in migrations/PREVIOUS_RELEASE, taken from this checkout's git history with
`git archive` (nothing is fetched from the network); it runs in gunicorn with the same virtualenv.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.committee.conftest import World
from tests.conftest import AuthActions
from tests.multihost.hosts import WebHost, stop_all
from tests.multihost.http_client import HttpClient
from tests.tasks import conftest as real_services
from tests.tasks.conftest import ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

PREVIOUS_RELEASE = ROOT / "migrations" / "PREVIOUS_RELEASE"
PYBABEL = Path(sys.executable).with_name("pybabel")

smtp_sink = real_services.smtp_sink
private_redis = real_services.private_redis
celery_env = real_services.celery_env


def previous_release() -> str:
    """The commit named in migrations/PREVIOUS_RELEASE, checked to be in this checkout's history."""
    commit = PREVIOUS_RELEASE.read_text().split()[0]
    found = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True)
    if found.returncode != 0:
        pytest.fail(f"The previous release {commit} (migrations/PREVIOUS_RELEASE) is not in this checkout's git "
                    f"history ({found.stderr.decode().strip() or 'no git'}). This test fetches nothing: check out with "
                    "history (git fetch --unshallow, or a clone of depth 0).", pytrace=False)
    return commit


def checkout(commit: str, target: Path) -> Path:
    """The tree of `commit` in `target`, with the files a build makes (DKFDS, compiled translations)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit], capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    shutil.copytree(ROOT / "app" / "static" / "dkfds", target / "app" / "static" / "dkfds")
    subprocess.run([str(PYBABEL), "compile", "-d", str(target / "app" / "translations")], check=True,
                   capture_output=True)
    return target


@pytest.fixture
def previous_web(app, celery_env: dict[str, str], tmp_path: Path):
    """The previous release's web process on this run's database, migrated to head by the new code."""
    code = checkout(previous_release(), tmp_path / "previous")
    work = tmp_path / "previous-host"
    work.mkdir()
    env = {**celery_env, "TRUSTED_PROXIES": "1", "UPLOAD_FOLDER": str(work / "files"),
           "MAIL_LOG_PATH": str(work / "mail.log")}
    host = WebHost("the previous release", code, work, env)
    try:
        host.wait_ready()
        yield host
    finally:
        stop_all([host])


def _log_in(base: str, email: str) -> HttpClient:
    from app.extensions import db
    person = HttpClient(base, after_each=db.session.expire_all)
    resp = AuthActions(person).login(email)
    assert resp.status_code == 302 and "/konto/" not in resp.location, (email, resp.status_code, resp.location)
    return person


def test_the_previous_release_reads_the_new_schema(app, previous_web):
    world = World()
    case = world.committee_case(title="Lokaletilskud til klubhuset")
    visitor = HttpClient(previous_web.url)
    caseworker = _log_in(previous_web.url, world.caseworker.email)
    member = _log_in(previous_web.url, world.applicant.email)
    pages = [(visitor, "/"), (visitor, "/puljer"), (caseworker, "/sagsbehandling/"),
             (caseworker, f"/sagsbehandling/sager/{case.id}"), (member, "/forening/"),
             (member, f"/forening/sager/{case.id}")]
    answers = {path: person.get(path).status_code for person, path in pages}
    assert answers == {path: 200 for _person, path in pages}, previous_web.log()[-3000:]

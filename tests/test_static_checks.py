"""Static security checks in CI: bandit over app/ and pip-audit of the pinned requirements.

bandit: every finding is fixed or justified where it is (`# nosec BXXX # reason`), so any new one fails.
pip-audit: every pin in requirements*.txt is looked up in a vulnerability database; a known vulnerability
fails unless it is ignored below with the reason. The lookup needs a vulnerability database, so the test
runs where PIP_AUDIT_SERVICE is set: "osv" (api.osv.dev) or "pypi" (PyPI's per-release JSON API).
This project's CI machine reaches neither (api.osv.dev does not resolve; PyPI answers the project JSON
but 404 for /pypi/<name>/<version>/json), so CI does not set it: run it where the network allows
(`PIP_AUDIT_SERVICE=osv make test PYTEST_ARGS=tests/test_static_checks.py`). --strict makes a pin that
could not be looked up fail the test: an audit that reached nothing must not pass.
"""
from __future__ import annotations

import os
import subprocess  # nosec B404 # runs our own tools, fixed arguments
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Vulnerabilities we accept, each with the reason (pip-audit --ignore-vuln ID). None at present.
IGNORED_VULNERABILITIES: dict[str, str] = {}


def _run(*args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True,  # nosec B603
                          timeout=timeout, check=False)


def test_bandit_finds_nothing_unjustified_in_app():
    result = _run("bandit", "-q", "-r", "app", "-f", "custom",
                  "--msg-template", "{relpath}:{line} {test_id} {severity}/{confidence} {msg}")
    assert result.returncode == 0, f"bandit findings (fix, or justify with `# nosec BXXX # reason`):\n" \
                                   f"{result.stdout}{result.stderr[-2000:]}"


@pytest.mark.vulnerability_db
def test_pip_audit_of_the_pinned_requirements():
    service = os.environ.get("PIP_AUDIT_SERVICE") or "osv"
    ignores = [arg for vuln in IGNORED_VULNERABILITIES for arg in ("--ignore-vuln", vuln)]
    # --no-deps/--disable-pip: audit exactly the pins, without building a virtual environment.
    result = _run("pip_audit", "-r", "requirements.txt", "-r", "requirements-dev.txt", "--no-deps", "--disable-pip",
                  "--strict", "--progress-spinner", "off", "--vulnerability-service", service, *ignores)
    assert result.returncode == 0, f"pip-audit ({service}):\n{result.stdout}{result.stderr[-3000:]}"

"""Real processes for the multi-host tests: gunicorn web hosts and an S3 server (moto's server mode) on loopback.

Each process runs in a session of its own, so a SIGKILL of its group takes the master and its workers at once,
as when a machine is lost.
"""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.tasks.conftest import free_port, wait_for

GUNICORN = Path(sys.executable).with_name("gunicorn")
STARTUP_SECONDS = 45.0


class Process:
    """A subprocess logging to a file, in its own process group."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], cwd: Path, log_path: Path) -> None:
        self.name = name
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group: no shutdown, no goodbye to the broker or the database."""
        self._signal_group(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        """Terminate the group, then kill whatever is left."""
        self._signal_group(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):  # still running: the caller kills it
            self.proc.wait(10)
        self.kill()

    def _signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(self.proc.pid, sig)

    def wait_until(self, ready, what: str) -> None:
        """Poll `ready` until true; fail with the log if the process exits first or time runs out."""
        def check() -> bool:
            if not self.alive():
                raise AssertionError(f"{self.name} exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
            return ready()
        wait_for(check, what, timeout=STARTUP_SECONDS, detail=lambda: self.log()[-3000:])


def stop_all(processes, grace: float = 3.0) -> None:
    """SIGTERM every process group at once, give them `grace` seconds together, then SIGKILL what is left."""
    for process in processes:
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(process.proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):  # killed below
            process.proc.wait(max(0.0, deadline - time.monotonic()))
        process.kill()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2, headers={"X-Forwarded-Proto": "https"}).status_code == 200
    except requests.RequestException:
        return False


class WebHost(Process):
    """`gunicorn wsgi:app` on a free port, run from `workdir` with the code at `code` on its path."""

    def __init__(self, name: str, code: Path, workdir: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [str(GUNICORN), "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{self.port}",
                "--timeout", "60", "wsgi:app"]
        super().__init__(name, args, {**env, "PYTHONPATH": str(code)}, workdir, workdir / "gunicorn.log")

    def wait_ready(self) -> None:
        self.wait_until(lambda: _answers(self.url + "/tilgaengelighed"), f"{self.name} to answer on {self.url}")


class S3Server(Process):
    """moto's S3 server on a free loopback port: the stand-in for the municipality's object store."""

    ACCESS_KEY = "multihost-test"
    SECRET_KEY = "multihost-test-secret"
    REGION = "eu-north-1"

    def __init__(self, workdir: Path, bucket: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.bucket = bucket
        args = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        super().__init__("moto S3", args, {**os.environ}, workdir, workdir / "moto.log")

    def settings(self) -> dict[str, str]:
        """The storage configuration (the shared contract's variables) that points at this server."""
        return {"FILE_STORAGE": "s3", "S3_BUCKET": self.bucket, "S3_ENDPOINT_URL": self.url,
                "S3_REGION": self.REGION, "S3_ACCESS_KEY_ID": self.ACCESS_KEY,
                "S3_SECRET_ACCESS_KEY": self.SECRET_KEY}

    def client(self):
        import boto3
        return boto3.client("s3", endpoint_url=self.url, region_name=self.REGION,
                            aws_access_key_id=self.ACCESS_KEY, aws_secret_access_key=self.SECRET_KEY)

    def wait_ready(self) -> None:
        """Wait until it answers, then make the bucket (an operator makes it once, before the first deploy)."""
        self.wait_until(lambda: _lists(self), "the S3 server to answer")
        self.client().create_bucket(Bucket=self.bucket,
                                    CreateBucketConfiguration={"LocationConstraint": self.REGION})

    def keys(self) -> list[str]:
        """Every object key in the bucket."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]


def _lists(server: S3Server) -> bool:
    try:
        server.client().list_buckets()
        return True
    except Exception:  # noqa: BLE001 - not up yet
        return False


def files_under(folder: Path) -> list[Path]:
    """Every file under `folder` (none when it does not exist)."""
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []

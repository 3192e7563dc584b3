"""Two hosts on one machine: web A and web B (gunicorn), worker 1 and worker 2 (Celery), each with its own empty
upload folder and working directory; they share only PostgreSQL, a Redis and an S3 server on loopback.

Runs in the PostgreSQL + Redis pass (the markers in the test modules), like the other real-worker tests.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.multihost.hosts import S3Server, WebHost, files_under, stop_all
from tests.tasks import conftest as real_services
from tests.tasks.conftest import ROOT, CeleryProcess

# The real-service fixtures of tests/tasks: the SMTP sink, a private redis-server, the app publishing to it.
smtp_sink = real_services.smtp_sink
private_redis = real_services.private_redis
broker_app = real_services.broker_app
celery_env = real_services.celery_env


@dataclass
class Cluster:
    """The running processes and each host's own folders."""

    web_a: WebHost
    web_b: WebHost
    workers: list[CeleryProcess]
    beat: CeleryProcess
    s3: S3Server
    upload_folders: list[Path] = field(default_factory=list)

    def logs(self) -> str:
        """The end of every process's log, for a failure message."""
        return "\n".join(f"--- {p.log_path.parent.name}/{p.log_path.name}\n{p.log()[-1500:]}"
                         for p in (self.web_a, self.web_b, *self.workers, self.beat))

    def files_on_local_disks(self) -> list[Path]:
        """Whatever any host wrote to its own folder (nothing, when the store is the shared object store)."""
        return [path for folder in self.upload_folders for path in files_under(folder)]


def _host_env(base: dict[str, str], root: Path) -> dict[str, str]:
    (root / "work").mkdir(parents=True)
    return {**base, "UPLOAD_FOLDER": str(root / "files"), "MAIL_LOG_PATH": str(root / "mail.log")}


def _worker(name: str, root: Path, env: dict[str, str]) -> CeleryProcess:
    args = ["worker", "--concurrency=1", "--pool=prefork", "-Q", "celery", "--loglevel=INFO",
            f"--hostname={name}-{uuid.uuid4().hex[:6]}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat"]
    return CeleryProcess(args, _host_env(env, root), root / "celery.log", cwd=root / "work")


@pytest.fixture
def cluster(app, broker_app, celery_env: dict[str, str], tmp_path: Path) -> Iterator[Cluster]:
    """Start every process at once, wait for all, and stop all whatever happens."""
    s3 = S3Server(tmp_path, bucket=f"foreningsstotte-{uuid.uuid4().hex[:8]}")
    env = {**celery_env, **s3.settings(), "PYTHONPATH": str(ROOT), "TRUSTED_PROXIES": "1", "OUTBOX_BATCH": "2",
           "TOTP_ENCRYPTION_KEYS": os.environ["TOTP_ENCRYPTION_KEYS"]}
    started: list = [s3]
    try:
        web = {}
        for name in ("host-a", "host-b"):
            root = tmp_path / name
            web[name] = WebHost(f"web {name[-1].upper()}", ROOT, root / "work", _host_env(env, root))
            started.append(web[name])
        workers = [_worker(f"worker{n}", tmp_path / f"worker-{n}", env) for n in (1, 2)]
        started += workers
        beat_root = tmp_path / "beat"
        beat = CeleryProcess(["beat", "--loglevel=INFO", f"--schedule={beat_root / 'schedule'}"],
                             _host_env(env, beat_root), beat_root / "beat.log", cwd=beat_root / "work")
        started.append(beat)
        s3.wait_ready()
        for host in web.values():
            host.wait_ready()
        for process in workers:
            process.wait_for_log(" ready.", "a Celery worker to be ready")
        beat.wait_for_log("beat: Starting", "Celery beat to start")
        # The test's own process (where the seeding services run) uses the same store, as a third host would.
        app.config.update(s3.settings())
        folders = [tmp_path / n / "files" for n in ("host-a", "host-b", "worker-1", "worker-2", "beat")]
        yield Cluster(web["host-a"], web["host-b"], workers, beat, s3, folders)
    finally:
        stop_all(started)

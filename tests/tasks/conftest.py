"""Real services for the notice pipeline: an SMTP sink, a private Redis and Celery processes."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
TIMEOUT = 60.0


def free_port() -> int:
    """A local TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT,
             detail: Callable[[], str] = lambda: "") -> None:
    """Poll `condition` until true; fail the test with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n{detail()}", pytrace=False)
        time.sleep(0.05)


class SmtpSink:
    """An aiosmtpd handler that records every message; it can hold messages before accepting them."""

    def __init__(self) -> None:
        self.port = 0
        self.messages: list[EmailMessage] = []
        self.hold_after: int | None = None
        self.held = 0
        self.refuse: set[str] = set()  # recipients whose message is refused (a permanent 550)
        self.peers: list[tuple] = []  # the client's address and port of every message received: its connection

    async def handle_DATA(self, server, session, envelope) -> str:
        await self._wait_while_holding()
        if self.refuse & set(envelope.rcpt_tos):
            return "550 Mailbox unavailable"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.peers.append(tuple(session.peer))
        return "250 Message accepted for delivery"

    async def _wait_while_holding(self) -> None:
        # aiosmtpd cancels this coroutine when the client goes away, so a held message of a
        # killed client is never recorded: for the sender it was never accepted.
        if not self._holding():
            return
        self.held += 1
        try:
            while self._holding():
                await asyncio.sleep(0.01)
        finally:
            self.held -= 1

    def _holding(self) -> bool:
        return self.hold_after is not None and len(self.messages) >= self.hold_after

    def release(self) -> None:
        """Accept held and later messages again."""
        self.hold_after = None

    def outbox_ids(self) -> list[int]:
        """The X-Outbox-Id of every message received, in arrival order."""
        return [int(m["X-Outbox-Id"]) for m in list(self.messages)]


class RedisServer:
    """A private redis-server without persistence, so it can be stopped and started freely."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        """Start on the same port as before and wait until it answers PING."""
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", str(self.workdir)]
        with (self.workdir / "redis.log").open("ab") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        wait_for(self.is_up, f"redis-server on port {self.port}", timeout=10)

    def pause(self) -> None:
        """SIGSTOP the server: connections stay open and nothing answers (a hung, not a down, broker)."""
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT the server; it answers what waited."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        """Stop the server (no data is kept)."""
        self.resume()  # a stopped process would not act on SIGTERM
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def client(self):
        """A redis-py client for this server."""
        import redis
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def is_up(self) -> bool:
        """Whether it answers PING."""
        try:
            return bool(self.client().ping())
        except Exception:  # noqa: BLE001
            return False


class CeleryProcess:
    """One `celery -A wsgi:celery_app ...` subprocess, in its own process group."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path, cwd: Path = ROOT) -> None:
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.proc = subprocess.Popen([str(CELERY), "-A", "wsgi:celery_app", *args], env=env, cwd=cwd,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def log(self) -> str:
        """Everything the process has logged so far."""
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str, what: str) -> None:
        """Wait until `text` appears in the log; fail early if the process dies."""
        def seen() -> bool:
            if self.proc.poll() is not None:
                pytest.fail(f"{what}: process exited with {self.proc.returncode}\n{self.log()[-3000:]}")
            return text in self.log()
        wait_for(seen, what, detail=lambda: self.log()[-3000:])

    def kill(self) -> None:
        """SIGKILL the whole process group (the main process and its pool children)."""
        self._signal_group(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        """Terminate the group, then kill whatever is left."""
        self._signal_group(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """An SMTP server on a free local port that records what it receives."""
    from aiosmtpd.controller import Controller
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    yield sink
    sink.release()
    controller.stop()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test alone (the shared one is never touched)."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker_app(app, private_redis: RedisServer):
    """The test app publishing to the private Redis, as the web process does in production."""
    celery_app = app.extensions["celery"]
    app.config["CELERY"] = {**app.config["CELERY"], "broker_url": private_redis.url, "task_always_eager": False}
    celery_app.conf.update(broker_url=private_redis.url, task_always_eager=False)
    yield app
    celery_app.close()


@pytest.fixture
def celery_env(database_template: str, private_redis: RedisServer, smtp_sink: SmtpSink) -> dict[str, str]:
    """Environment for Celery processes: production config on the test database and services."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "FLASK_CONFIG": "production",
        "DATABASE_URL": database_template,
        "REDIS_URL": private_redis.url,
        "SECRET_KEY": uuid.uuid4().hex,
        "PUBLIC_BASE_URL": "https://stoette.kommune.example",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_sink.port),
        "OUTBOX_SWEEP_SECONDS": "2",
        # A killed worker's unacknowledged messages come back after this many seconds.
        "BROKER_VISIBILITY_TIMEOUT": "5",
    }


@pytest.fixture
def start_celery(broker_app, celery_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., CeleryProcess]]:
    """Start `celery worker` or `celery beat` processes; all are stopped at teardown."""
    started: list[CeleryProcess] = []

    def start(command: str) -> CeleryProcess:
        process = CeleryProcess(_celery_args(command, tmp_path), celery_env,
                                tmp_path / f"{command}-{len(started) + 1}.log")
        started.append(process)
        if command == "worker":
            process.wait_for_log(" ready.", "the Celery worker to be ready")
        else:
            process.wait_for_log("beat: Starting", "Celery beat to start")
        return process

    yield start
    for process in reversed(started):
        process.stop()


def _celery_args(command: str, tmp_path: Path) -> list[str]:
    if command == "beat":
        return ["beat", "--loglevel=INFO", f"--schedule={tmp_path / 'beat-schedule'}"]
    return ["worker", "--concurrency=2", "--pool=prefork", "-Q", "celery", "--loglevel=INFO",
            f"--hostname=test-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat"]


@pytest.fixture
def worker(start_celery) -> CeleryProcess:
    """A running Celery worker (prefork, two processes) for the test app's database and Redis."""
    return start_celery("worker")

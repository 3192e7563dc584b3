"""Dependencies that fail on demand: a closed port, and a server that takes the connection and never answers."""
from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest


def closed_port() -> int:
    """A local port nobody listens on (connecting is refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port whose server accepts TCP (the kernel completes the handshake) and never says a word: a hung
    PostgreSQL or Redis, the case only a timeout can catch."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


# The real Celery worker, private Redis and SMTP sink of the notice pipeline's tests, for the worker test here.
from tests.tasks.conftest import (broker_app, celery_env, private_redis, smtp_sink,  # noqa: E402,F401
                                  start_celery, worker)

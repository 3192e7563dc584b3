"""Readiness for the load balancer: the database, the broker and the file store, each within a time limit.

Each check runs in a thread of its own with its own timeouts (connect and statement timeout for the database,
socket timeouts for Redis), and the answer waits for none of them past the deadline: a hung PostgreSQL (a
blackholed address, a stopped server) is reported as "timeout" in time, and its thread ends at its own timeout.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.pool import NullPool

from app.services.files import storage

OK, NOT_CONFIGURED, TIMEOUT = "ok", "not_configured", "timeout"
_ENGINES = "readiness_engines"


def check(app: Flask, limit_seconds: float) -> dict[str, str]:
    """The state of each dependency ("ok", "not_configured", "timeout" or "error: <kind>") within `limit_seconds`."""
    # Each check stops itself a little before the deadline, so a slow answer is its own error, not a timeout.
    own_limit = max(0.1, limit_seconds * 0.8)
    checks: dict[str, Callable[[], str]] = {
        "database": lambda: _database(app, own_limit),
        "broker": lambda: _broker(app, own_limit),
        "storage": lambda: _storage(app, own_limit),
    }
    if app.config.get("REDIS_URL"):
        # Loading the client (0.2 s, more on a busy machine) is our own start-up, not the broker's answer: done here,
        # once per process, it neither eats into the broker's time nor holds the import lock a timed thread waits on.
        import redis  # noqa: F401
    results: dict[str, str] = {}
    threads = {name: threading.Thread(target=_run, args=(app, name, probe, results), daemon=True,
                                      name=f"readiness-{name}") for name, probe in checks.items()}
    deadline = time.monotonic() + limit_seconds
    for thread in threads.values():
        thread.start()
    for name, thread in threads.items():
        thread.join(max(0.0, deadline - time.monotonic()))
    return {name: results.get(name, TIMEOUT) for name in checks}


def is_ready(results: dict[str, str]) -> bool:
    """True when no dependency failed (one that is not configured has not failed)."""
    return all(state in (OK, NOT_CONFIGURED) for state in results.values())


def _run(app: Flask, name: str, probe: Callable[[], str], results: dict[str, str]) -> None:
    try:
        results[name] = probe()
    except Exception as exc:  # any failure is "not ready"; the kind is named, the details only logged
        app.logger.warning("readiness: %s failed: %s", name, exc)
        results[name] = f"error: {type(exc).__name__}"


def _database(app: Flask, limit: float) -> str:
    with _probe_engine(app, limit).connect() as connection:
        connection.execute(sa.text("SELECT 1"))
    return OK


def _probe_engine(app: Flask, limit: float) -> sa.Engine:
    """An engine of its own with no pool: a fresh connection each time, with bounded waits.

    Not the app's engine: its pool would hand out a connection whose server is gone and wait on it without limit.
    """
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    engines = app.extensions.setdefault(_ENGINES, {})
    if uri not in engines:
        url = sa.engine.make_url(uri)
        if url.get_backend_name() == "postgresql":
            connect_args = {"connect_timeout": max(1, round(limit)),
                            "options": f"-c statement_timeout={int(limit * 1000)}"}
        else:
            connect_args = {"timeout": limit}
        engines[uri] = sa.create_engine(url, poolclass=NullPool, connect_args=connect_args)
    return engines[uri]


def _broker(app: Flask, limit: float) -> str:
    url = app.config.get("REDIS_URL")
    if not url:
        return NOT_CONFIGURED  # the embedded default: tasks run in the process, there is no broker
    import redis  # only where a broker is configured (loaded by check() before the clock starts)

    client = redis.Redis.from_url(url, socket_connect_timeout=limit, socket_timeout=limit)
    try:
        client.ping()
    finally:
        client.close()
    return OK


def _storage(app: Flask, limit: float) -> str:
    with app.app_context():
        return OK if storage.reachable(limit) else "error: unreachable"

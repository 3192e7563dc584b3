"""/healthz and /readyz: up, and readiness that fails within 2 s when the database, Redis or the store is down,
then recovers."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from config import TestingConfig
from tests.conftest import PG_PASS_SECRETS
from tests.ops.conftest import closed_port

LIMIT = 2.0


def _ready(client) -> tuple[int, dict, float]:
    started = time.monotonic()
    resp = client.get("/readyz")
    return resp.status_code, json.loads(resp.data), time.monotonic() - started


def test_healthz_answers_without_the_database(tmp_path):
    from app import create_app
    secrets = {**PG_PASS_SECRETS, "TOTP_ENCRYPTION_KEYS": (PG_PASS_SECRETS["TOTP_ENCRYPTION_KEYS"],)}
    broken = create_app(TestingConfig, **secrets,
                        SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/none",
                        UPLOAD_FOLDER=str(tmp_path / "files"), MAIL_LOG_PATH=str(tmp_path / "mail.log"))
    resp = broken.test_client().get("/healthz")
    assert (resp.status_code, resp.data) == (200, b"ok\n")
    status, body, _took = _ready(broken.test_client())
    assert status == 503 and body["failed"] == ["database"]


def test_ready_when_everything_answers(client, app):
    status, body, took = _ready(client)
    assert status == 200, body
    assert body["status"] == "ready" and body["failed"] == []
    assert body["checks"]["database"] == "ok" and body["checks"]["storage"] == "ok"
    assert body["checks"]["broker"] == ("ok" if app.config.get("REDIS_URL") else "not_configured")
    assert took < LIMIT


def test_probes_need_no_log_in_and_no_session(client):
    for path in ("/healthz", "/readyz"):
        resp = client.get(path)
        assert resp.status_code == 200 and "Set-Cookie" not in resp.headers
        assert resp.headers["Cache-Control"] == "no-store"
    assert client.post("/readyz").status_code == 405


@pytest.mark.parametrize("kind", ["closed", "silent"])
def test_database_down_fails_in_time_and_recovers(client, app, kind, silent_port):
    port = closed_port() if kind == "closed" else silent_port
    working = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config["SQLALCHEMY_DATABASE_URI"] = f"postgresql+psycopg://postgres@127.0.0.1:{port}/none"
    status, body, took = _ready(client)
    assert status == 503 and body["failed"] == ["database"], body
    assert body["checks"]["database"] == ("timeout" if kind == "silent" else "error: OperationalError")
    assert took < LIMIT
    app.config["SQLALCHEMY_DATABASE_URI"] = working
    assert _ready(client)[0] == 200


@pytest.mark.parametrize("kind", ["closed", "silent"])
def test_redis_down_fails_in_time(client, app, kind, silent_port):
    port = closed_port() if kind == "closed" else silent_port
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    status, body, took = _ready(client)
    assert status == 503 and body["failed"] == ["broker"], body
    assert took < LIMIT


@pytest.mark.redis
def test_redis_stopped_fails_in_time_and_recovers(client, app, tmp_path):
    from tests.tasks.conftest import RedisServer
    server = RedisServer(tmp_path)
    server.start()
    try:
        app.config["REDIS_URL"] = server.url
        assert _ready(client)[0] == 200
        server.pause()  # hung: connections open, nothing answers
        status, body, took = _ready(client)
        assert status == 503 and body["failed"] == ["broker"] and took < LIMIT
        server.stop()
        status, body, took = _ready(client)
        assert status == 503 and body["failed"] == ["broker"] and took < LIMIT
        server.start()
        assert _ready(client)[0] == 200
    finally:
        server.stop()


def test_storage_unwritable_fails_and_recovers(client, app, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be")
    working = app.config["UPLOAD_FOLDER"]
    app.config["UPLOAD_FOLDER"] = str(blocker / "files")
    status, body, took = _ready(client)
    assert status == 503 and body["failed"] == ["storage"], body
    assert took < LIMIT
    app.config["UPLOAD_FOLDER"] = working
    assert _ready(client)[0] == 200
    assert not any(p.name.startswith(".reachable-") for p in Path(working).rglob("*"))  # the probe cleans up

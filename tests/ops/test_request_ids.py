"""JSON logs with a request id: from X-Request-ID when sane, else new; sent back; carried into the tasks the
request causes (in the process here, and through Redis to a real worker in the PostgreSQL pass)."""
from __future__ import annotations

import io
import json
import logging

import pytest

from app import create_app
from config import TestingConfig
from tests.tasks.conftest import wait_for

PASSWORD = "en-god-adgangskode-42"
DELIVER = "app.tasks.notices.deliver_notice"


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@pytest.fixture
def json_app(app):
    """The test app's database and folders, logging JSON; the log lines land in a buffer."""
    logged = create_app(TestingConfig, LOG_FORMAT="json", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                        UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"], MAIL_LOG_PATH=app.config["MAIL_LOG_PATH"],
                        RATELIMIT_STORAGE_URI=app.config["RATELIMIT_STORAGE_URI"])
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, "_foreningsstotte_json", False)]
    assert len(ours) == 1
    buffer = io.StringIO()
    ours[0].setStream(buffer)
    logged.extensions["log_buffer"] = buffer
    level = root.level
    with logged.app_context():
        yield logged
    root.removeHandler(ours[0])
    root.setLevel(level)


def test_a_request_line_carries_the_given_id(json_app):
    resp = json_app.test_client().get("/", headers={"X-Request-ID": "lb-7f3a.2031"})
    assert resp.headers["X-Request-ID"] == "lb-7f3a.2031"
    lines = [line for line in _lines(json_app.extensions["log_buffer"].getvalue()) if line["logger"] == "app.requests"]
    assert len(lines) == 1
    line = lines[0]
    assert {key: line[key] for key in ("level", "request_id", "method", "path", "status")} == {
        "level": "INFO", "request_id": "lb-7f3a.2031", "method": "GET", "path": "/", "status": 200}
    assert line["time"] and line["message"] == "GET / 200" and line["duration"] >= 0


@pytest.mark.parametrize("given", ["", "two words", "x" * 101, "æøå", "-starts-with-a-dash", "semi;colon"])
def test_an_insane_id_is_replaced(json_app, given):
    resp = json_app.test_client().get("/", headers={"X-Request-ID": given})
    new = resp.headers["X-Request-ID"]
    assert new != given and len(new) == 32 and int(new, 16) >= 0
    assert [line["request_id"] for line in _lines(json_app.extensions["log_buffer"].getvalue())
            if line["logger"] == "app.requests"] == [new]


def test_a_task_the_request_causes_logs_the_same_id(json_app):
    """The embedded default: the sign-up's e-mail task runs in the process, inside the request."""
    resp = json_app.test_client().post("/konto/opret", headers={"X-Request-ID": "signup-1"}, data={
        "full_name": "Ida Jensen", "email": "ida@example.dk", "password": PASSWORD, "password_again": PASSWORD})
    assert resp.status_code == 302
    lines = _lines(json_app.extensions["log_buffer"].getvalue())
    tasks = [line for line in lines if line["logger"] == "app.tasks" and line.get("task") == DELIVER]
    assert [line["message"] for line in tasks] == ["task started", "task finished"]
    assert {line["request_id"] for line in tasks} == {"signup-1"}
    assert tasks[1]["state"] == "SUCCESS"


@pytest.fixture
def celery_env(celery_env):
    return {**celery_env, "LOG_FORMAT": "json"}


@pytest.mark.postgres
@pytest.mark.redis
def test_a_worker_logs_the_id_of_the_request_that_caused_its_task(worker, broker_app, smtp_sink):
    client = broker_app.test_client()
    resp = client.post("/konto/opret", headers={"X-Request-ID": "signup-through-redis"}, data={
        "full_name": "Ida Jensen", "email": "ida@example.dk", "password": PASSWORD, "password_again": PASSWORD})
    assert resp.status_code == 302

    def finished() -> bool:
        return any(line.get("message") == "task finished" and line.get("task") == DELIVER
                   for line in _lines(worker.log()))
    wait_for(finished, "the worker to log the delivery", detail=lambda: worker.log()[-3000:])
    tasks = [line for line in _lines(worker.log()) if line.get("task") == DELIVER]
    assert {line["request_id"] for line in tasks} == {"signup-through-redis"}
    assert {line["level"] for line in tasks} == {"INFO"} and len(smtp_sink.messages) == 1

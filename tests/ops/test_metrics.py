"""/metrics: Prometheus's text with the request and outbox series, only for the token or a configured network."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import OutboxMessage

TOKEN = "metrics-token-for-the-test"


@pytest.fixture
def metrics_app(app):
    app.config.update(METRICS_TOKEN=TOKEN)
    return app


def _scrape(client, **kwargs):
    return client.get("/metrics", **kwargs)


def _bearer(token: str) -> dict:
    return {"headers": {"Authorization": f"Bearer {token}"}}


def test_refused_without_the_token(metrics_app, client):
    for kwargs in ({}, _bearer("wrong"), _bearer(""), {"headers": {"Authorization": TOKEN}}):
        resp = _scrape(client, **kwargs)
        assert resp.status_code == 403, kwargs
        assert b"foreningsstotte" not in resp.data
    assert resp.headers["WWW-Authenticate"] == "Bearer"


def test_nothing_configured_refuses_everyone(app, client):
    assert app.config["METRICS_TOKEN"] is None
    assert _scrape(client, **_bearer("None")).status_code == 403
    assert _scrape(client, **_bearer("")).status_code == 403


def test_a_configured_network_needs_no_token(app):
    from app import create_app
    from config import TestingConfig
    scoped = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                        UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"], METRICS_NETWORKS=("10.1.0.0/16", "::1"))
    client = scoped.test_client()
    assert _scrape(client, environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert _scrape(client, environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    assert _scrape(client, environ_base={"REMOTE_ADDR": "10.2.0.1"}).status_code == 403


def test_a_malformed_network_is_refused_at_start(app):
    from app import create_app
    from config import TestingConfig
    with pytest.raises(RuntimeError, match="METRICS_NETWORKS"):
        create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                   METRICS_NETWORKS=("10.1.0.0/33",))


def _sample(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        if (line.startswith(f"{name} ") and not wanted) or (line.startswith(f"{name}{{") and _labels(line) == wanted):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no {name}{{{wanted}}} in\n{text}")


def _labels(line: str) -> str:
    inside = line[line.index("{") + 1:line.index("}")]
    return ",".join(sorted(inside.split(",")))


def test_requests_and_outbox_backlog(metrics_app, client):
    clock.freeze(datetime(2031, 3, 2, 10, 0))
    now = clock.now()
    db.session.add_all([
        OutboxMessage(channel="email", template="t", recipient="a@example.dk", created_at=now - timedelta(minutes=10)),
        OutboxMessage(channel="email", template="t", recipient="b@example.dk", created_at=now - timedelta(minutes=2)),
        OutboxMessage(channel="letter", template="t", recipient="c@example.dk", status="failed", created_at=now),
        OutboxMessage(channel="email", template="t", recipient="d@example.dk", status="delivered", created_at=now),
    ])
    db.session.commit()
    assert client.get("/").status_code == 200
    assert client.get("/findes-ikke").status_code == 404
    text = _scrape(client, **_bearer(TOKEN)).data.decode()
    request_count = "foreningsstotte_http_request_duration_seconds_count"
    assert _sample(text, request_count, endpoint="main.index", method="GET", status="200") >= 1
    assert _sample(text, request_count, endpoint="unmatched", method="GET", status="404") >= 1
    assert _sample(text, "foreningsstotte_outbox_scrape_up") == 1
    assert _sample(text, "foreningsstotte_outbox_messages", channel="email", status="pending") == 2
    assert _sample(text, "foreningsstotte_outbox_messages", channel="letter", status="failed") == 1
    assert _sample(text, "foreningsstotte_outbox_messages", channel="letter", status="pending") == 0
    assert _sample(text, "foreningsstotte_outbox_oldest_pending_age_seconds", channel="email") == 600
    assert _sample(text, "foreningsstotte_outbox_oldest_pending_age_seconds", channel="letter") == 0
    assert "# TYPE foreningsstotte_task_duration_seconds histogram" in text
    assert "# TYPE foreningsstotte_letters_rendered_total counter" in text


def test_a_database_that_is_down_still_gives_an_answer(tmp_path):
    from app import create_app
    from config import TestingConfig
    from tests.conftest import PG_PASS_SECRETS
    from tests.ops.conftest import closed_port
    down = create_app(TestingConfig, SECRET_KEY=PG_PASS_SECRETS["SECRET_KEY"],
                      TOTP_ENCRYPTION_KEYS=(PG_PASS_SECRETS["TOTP_ENCRYPTION_KEYS"],), METRICS_TOKEN=TOKEN,
                      SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/none",
                      UPLOAD_FOLDER=str(tmp_path / "files"), MAIL_LOG_PATH=str(tmp_path / "mail.log"))
    resp = _scrape(down.test_client(), **_bearer(TOKEN))
    assert resp.status_code == 200
    assert _sample(resp.data.decode(), "foreningsstotte_outbox_scrape_up") == 0


@pytest.mark.redis
def test_queue_depth_from_redis(metrics_app, client, redis_url):
    import redis
    metrics_app.config["REDIS_URL"] = redis_url
    connection = redis.Redis.from_url(redis_url)
    connection.delete("celery")
    connection.rpush("celery", "a", "b", "c")
    try:
        text = _scrape(client, **_bearer(TOKEN)).data.decode()
        assert _sample(text, "foreningsstotte_queue_length", queue="celery") == 3
    finally:
        connection.delete("celery")

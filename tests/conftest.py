"""Fixtures: an app on SQLite (default) or PostgreSQL + Redis (TEST_DATABASE_URL, TEST_REDIS_URL).

The schema is built by the Alembic migrations, once per session, so every test also exercises them.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from config import TestingConfig, normalise_database_url, redis_settings

PG_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs PostgreSQL (runs in the TEST_DATABASE_URL pass)")
    config.addinivalue_line("markers", "redis: needs Redis (runs when TEST_REDIS_URL is set)")
    config.addinivalue_line("markers", "e2e: drives a real browser")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Service-specific tests run in the pass that has the service; they are deselected, not skipped."""
    keep, drop = [], []
    for item in items:
        if "/tests/e2e/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
        # Browser tests bring their own SQLite database and run once, in the SQLite pass.
        if (item.get_closest_marker("postgres") and not PG_URL) or (item.get_closest_marker("redis") and not REDIS_URL) \
                or (item.get_closest_marker("e2e") and PG_URL):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _require_service(name: str, check) -> None:
    try:
        check()
    except Exception as exc:  # noqa: BLE001
        message = f"{name} is not reachable ({exc})."
        if IN_CI:
            pytest.exit(f"CI=true and {message}", returncode=3)
        pytest.exit(f"{message} Unset the variable to run on SQLite only, or start the service.", returncode=3)


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _migrate(url: str, tmp: Path) -> None:
    from flask_migrate import upgrade
    from app import create_app
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, MAIL_LOG_PATH=str(tmp / "mail.log"))
    with app.app_context():
        upgrade(revision="heads")
        from app.extensions import db
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: the PostgreSQL URL, or the path of a template SQLite file."""
    tmp = tmp_path_factory.mktemp("db")
    if PG_URL:
        url = normalise_database_url(PG_URL)
        _require_service("PostgreSQL at TEST_DATABASE_URL", lambda: sa.create_engine(url).connect().close())
        _reset_postgres(url)
        _migrate(url, tmp)
        return url
    path = tmp / "template.sqlite"
    _migrate(f"sqlite:///{path}", tmp)
    return str(path)


@pytest.fixture(scope="session")
def redis_url() -> str | None:
    """The Redis URL under test, checked once."""
    if REDIS_URL:
        import redis
        _require_service("Redis at TEST_REDIS_URL", lambda: redis.Redis.from_url(REDIS_URL).ping())
    return REDIS_URL


def _truncate_all(db) -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app(database_template: str, redis_url: str | None, tmp_path: Path):
    """A fresh app and an empty, migrated database for each test."""
    from app import create_app
    from app.extensions import db
    overrides: dict = {"MAIL_LOG_PATH": str(tmp_path / "mail.log"), "UPLOAD_FOLDER": str(tmp_path / "files")}
    if PG_URL:
        overrides["SQLALCHEMY_DATABASE_URI"] = database_template
    else:
        path = tmp_path / "test.sqlite"
        shutil.copyfile(database_template, path)
        overrides["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if redis_url:
        settings = redis_settings(redis_url)
        overrides["RATELIMIT_STORAGE_URI"] = settings["RATELIMIT_STORAGE_URI"]
        import redis
        redis.Redis.from_url(redis_url).flushdb()  # a database number reserved for tests: limits start at zero
    app = create_app(TestingConfig, **overrides)
    with app.app_context():
        yield app
        if PG_URL:
            _truncate_all(db)
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Log in and out through the real views."""

    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = "demo-adgangskode"):
        """Post the log-in form; when the app asks for two-factor, enrol if needed and give an app code."""
        from tests import two_factor_steps
        resp = self._client.post("/konto/log-ind", data={"email": email, "password": password})
        if two_factor_steps.asks_for_second_step(resp):
            return two_factor_steps.complete(self._client, email, resp)
        return resp

    def logout(self):
        return self._client.post("/konto/log-ud")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def factory(app):
    """Factories that build rows through the session (see tests/factories.py)."""
    from tests import factories
    return factories

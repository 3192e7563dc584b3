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
# Under pytest-xdist (`make test` runs two processes) each worker has its own PostgreSQL database and
# Redis database number, so no worker truncates or flushes what another is using.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


# On PostgreSQL the app refuses the development secret and a derived TOTP key, whatever the configuration
# class (app/__init__.py): the PostgreSQL pass runs with its own, as a deployment would.
PG_PASS_SECRETS = {"SECRET_KEY": "test-secret-for-the-postgresql-pass",
                   "TOTP_ENCRYPTION_KEYS": "dGVzdC10b3RwLWtleS1mb3ItdGhlLXBvc3RncmVzcWw="}


def pytest_configure(config: pytest.Config) -> None:
    if PG_URL:
        for key, value in PG_PASS_SECRETS.items():
            os.environ.setdefault(key, value)
    config.addinivalue_line("markers", "postgres: needs PostgreSQL (runs in the TEST_DATABASE_URL pass)")
    config.addinivalue_line("markers", "redis: needs Redis (runs when TEST_REDIS_URL is set)")
    config.addinivalue_line("markers", "e2e: drives a real browser")
    config.addinivalue_line("markers", "sqlite_pass: runs in the SQLite pass only (the reason is at the test)")
    config.addinivalue_line("markers", "vulnerability_db: reads a vulnerability database over the network "
                                       "(runs with PIP_AUDIT_SERVICE set)")


# Tests that never reach a database: the workflows (pure, by the import contract in .importlinter), the PDF
# renderers (data in, bytes out) and the formatting helpers. The SQLite pass runs them; beside PostgreSQL they
# would test nothing new, so that pass leaves out those of them that ask for no database.
DATABASE_FREE = ("/tests/workflows/", "/tests/pdf/", "/tests/test_clock.py", "/tests/test_formatting.py",
                 "/tests/test_state_names.py", "/tests/test_cvr.py", "/tests/test_money_sentences.py",
                 "/tests/test_form_fields.py")


def _database_free(item: pytest.Item, path: str) -> bool:
    return any(part in path for part in DATABASE_FREE) and "database_template" not in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Service-specific tests run in the pass that has the service; they are deselected, not skipped."""
    keep, drop = [], []
    for item in items:
        path = str(item.path).replace(os.sep, "/")
        if PG_URL and _database_free(item, path):
            drop.append(item)
            continue
        if "/tests/e2e/" in path:
            item.add_marker(pytest.mark.e2e)
        if item.get_closest_marker("e2e"):
            # A browser file's tests share one live server and build on each other: one xdist worker, in order.
            item.add_marker(pytest.mark.xdist_group(item.path.name))
        # Browser tests bring their own SQLite database and run once, in the SQLite pass; so does the audit.
        if (item.get_closest_marker("postgres") and not PG_URL) or (item.get_closest_marker("redis") and not REDIS_URL) \
                or ((item.get_closest_marker("e2e") or item.get_closest_marker("sqlite_pass")) and PG_URL) \
                or (item.get_closest_marker("vulnerability_db") and (PG_URL or not os.environ.get("PIP_AUDIT_SERVICE"))):
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


@pytest.fixture(autouse=True)
def _reset_clock():
    """Put the app's clock back after every test, so one that freezes or moves it cannot leak into the next."""
    yield
    from app import clock
    clock.reset()


@pytest.fixture(autouse=True)
def _reset_celery_join_guard():
    """Celery's eager apply_async sets and restores a process-wide "joining would block" flag without a lock,
    so threads dispatching at once (the race tests) can leave it set, and a later test's result.get() is then
    refused. Put it back after every test."""
    yield
    from celery._state import _set_task_join_will_block
    _set_task_join_will_block(False)


@pytest.fixture
def new_years_night():
    """The clock stopped at 00:30 on 1 January 2031 in Copenhagen (23:30 UTC the day before); list it before the
    fixtures that should be built on that night."""
    from datetime import datetime

    from app import clock
    clock.freeze(datetime(2031, 1, 1, 0, 30))


def _worker_database(url: str) -> str:
    """This xdist worker's own database next to the given one (created empty); the URL itself without xdist."""
    if not WORKER:
        return url
    given = sa.engine.make_url(url)
    name = f"{given.database}_{WORKER}"
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


def _drop_worker_database(url: str, worker_url: str) -> None:
    if worker_url == url:
        return
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.engine.make_url(worker_url).database}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory):
    """A migrated database: the PostgreSQL URL, or the path of a template SQLite file."""
    tmp = tmp_path_factory.mktemp("db")
    if PG_URL:
        given = normalise_database_url(PG_URL)
        _require_service("PostgreSQL at TEST_DATABASE_URL", lambda: sa.create_engine(given).connect().close())
        url = _worker_database(given)
        _reset_postgres(url)
        _migrate(url, tmp)
        yield url
        _drop_worker_database(given, url)
        return
    path = tmp / "template.sqlite"
    _migrate(f"sqlite:///{path}", tmp)
    yield str(path)


def _worker_redis(url: str) -> str:
    """This xdist worker's database number: the given one for gw0, one less for gw1, and so on."""
    if not WORKER:
        return url
    base, _, number = url.rpartition("/")
    if not number.isdigit():  # no database number in the URL: database 0
        base, number = url, "0"
    return f"{base}/{(int(number) - int(WORKER.removeprefix('gw'))) % 16}"


@pytest.fixture(scope="session")
def redis_url() -> str | None:
    """The Redis URL under test, checked once."""
    if REDIS_URL:
        import redis
        url = _worker_redis(REDIS_URL)
        _require_service("Redis at TEST_REDIS_URL", lambda: redis.Redis.from_url(url).ping())
        return url
    return None


# Empty only the tables a test wrote to and restart only the sequences it used, in one round trip. TRUNCATE costs
# PostgreSQL new files for every table and index it reaches (and CASCADE reaches nearly all): about 120 ms a test.
# As a superuser (CI's postgres) the rows are deleted with triggers and foreign keys off for this transaction,
# which is what the append-only journals' triggers would otherwise refuse: about 5 ms.
_EMPTY_USED_TABLES = """
DO $$
DECLARE
  name text; has_rows boolean; used text[] := '{}';
  superuser boolean := (SELECT rolsuper FROM pg_roles WHERE rolname = current_user);
BEGIN
  FOR name IN SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
              WHERE schemaname = current_schema() AND tablename <> 'alembic_version' LOOP
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', name) INTO has_rows;
    IF has_rows THEN used := used || name; END IF;
  END LOOP;
  IF superuser THEN
    SET LOCAL session_replication_role = replica;
    FOREACH name IN ARRAY used LOOP
      EXECUTE format('DELETE FROM %s', name);
    END LOOP;
  ELSIF cardinality(used) > 0 THEN
    EXECUTE 'TRUNCATE ' || array_to_string(used, ', ') || ' CASCADE';
  END IF;
  PERFORM setval(format('%I.%I', schemaname, sequencename), start_value, false) FROM pg_sequences
    WHERE schemaname = current_schema() AND last_value IS NOT NULL;
END $$
"""


def _truncate_all(db) -> None:
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(sa.text(_EMPTY_USED_TABLES))


def own_database(database_template: str, tmp_path: Path, name: str = "test") -> str:
    """A database URI for one test's app: a copy of the SQLite template, or the worker's PostgreSQL database."""
    if PG_URL:
        return database_template
    path = tmp_path / f"{name}.sqlite"
    shutil.copyfile(database_template, path)
    return f"sqlite:///{path}"


def release_database(db) -> None:
    """After a test (inside its app context): empty the shared PostgreSQL database, close every connection."""
    if PG_URL:
        _truncate_all(db)
    db.session.remove()
    db.engine.dispose()


@pytest.fixture
def app(database_template: str, redis_url: str | None, tmp_path: Path):
    """A fresh app and an empty, migrated database for each test."""
    from app import create_app
    from app.extensions import db
    overrides: dict = {"MAIL_LOG_PATH": str(tmp_path / "mail.log"), "UPLOAD_FOLDER": str(tmp_path / "files"),
                       "SQLALCHEMY_DATABASE_URI": own_database(database_template, tmp_path)}
    if redis_url:
        settings = redis_settings(redis_url)
        overrides["RATELIMIT_STORAGE_URI"] = settings["RATELIMIT_STORAGE_URI"]
        import redis
        redis.Redis.from_url(redis_url).flushdb()  # a database number reserved for tests: limits start at zero
    app = create_app(TestingConfig, **overrides)
    with app.app_context():
        yield app
        release_database(db)


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


@pytest.fixture(scope="session")
def cvr_standin():
    """The loopback stand-in for the CVR register's search API (tests/cvr_standin.py), one per session."""
    from tests.cvr_standin import CvrStandin
    standin = CvrStandin().start()
    yield standin
    standin.stop()


@pytest.fixture(scope="session")
def finance_standin_server():
    """The loopback stand-in for the finance system (tests/finance_standin.py), one per session."""
    from tests.finance_standin import FinanceStandin
    standin = FinanceStandin().start()
    yield standin
    standin.stop()


@pytest.fixture
def finance_system(finance_standin_server):
    """The finance stand-in, reset: it pays everything until told otherwise."""
    finance_standin_server.reset()
    return finance_standin_server


@pytest.fixture
def cvr_register(app, cvr_standin):
    """The app pointed at the stand-in, which starts each test active and unchanged."""
    cvr_standin.reset()
    app.config.update(cvr_standin.config())
    return cvr_standin


@pytest.fixture(scope="session")
def s3_standin():
    """moto's S3 server on loopback (tests/s3_standin.py), one per session."""
    from tests.s3_standin import S3Standin
    standin = S3Standin().start()
    yield standin
    standin.stop()


@pytest.fixture(params=["local", "s3"])
def file_store(request, app):
    """The app's files in the local folder, then in a bucket of their own on the S3 stand-in: the same test twice."""
    if request.param == "s3":
        standin = request.getfixturevalue("s3_standin")
        app.config.update(standin.config(standin.new_bucket()))
    return request.param

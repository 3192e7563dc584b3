"""The app factory and configuration choices."""
import pytest

from cryptography.fernet import Fernet

from app import create_app
from config import (DEV_SECRET_KEY, Config, DevelopmentConfig, ProductionConfig, TestingConfig, normalise_database_url,
                    select_config, settings_from_env)


def test_embedded_default_is_sqlite_and_in_process_tasks(tmp_path, monkeypatch):
    for var in ("DATABASE_URL", "REDIS_URL", "FLASK_CONFIG", "SECRET_KEY"):
        monkeypatch.delenv(var, raising=False)
    assert select_config({}) is DevelopmentConfig
    app = create_app(DevelopmentConfig)
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/app.sqlite")
    assert app.extensions["celery"].conf.task_always_eager is True


def test_database_url_selects_production_with_postgres_and_redis():
    env = {"DATABASE_URL": "postgres://u@db/x", "REDIS_URL": "redis://r:6379/0", "SECRET_KEY": "s3cret"}
    assert select_config(env) is ProductionConfig
    settings = settings_from_env(env)
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/x"
    assert settings["CELERY"]["broker_url"] == "redis://r:6379/0"
    assert settings["CELERY"]["task_always_eager"] is False
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://r:6379/0"


def test_unknown_config_name_is_refused():
    with pytest.raises(RuntimeError, match="FLASK_CONFIG"):
        select_config({"FLASK_CONFIG": "staging"})


KEY = Fernet.generate_key().decode()
PG = "postgresql+psycopg://x/y"
ENV = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PUBLIC_BASE_URL", "TOTP_ENCRYPTION_KEYS", "FLASK_CONFIG")


@pytest.fixture
def clean_env(monkeypatch):
    for var in ENV:
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize("overrides, message", [
    ({}, "SECRET_KEY"),
    ({"SECRET_KEY": "real"}, "TOTP_ENCRYPTION_KEYS"),
    ({"SECRET_KEY": "real", "TOTP_ENCRYPTION_KEYS": (KEY,), "SQLALCHEMY_DATABASE_URI": "sqlite:///x.db"}, "PostgreSQL"),
    ({"SECRET_KEY": "real", "TOTP_ENCRYPTION_KEYS": (KEY,), "SQLALCHEMY_DATABASE_URI": PG}, "REDIS_URL"),
    ({"SECRET_KEY": "real", "TOTP_ENCRYPTION_KEYS": (KEY,), "SQLALCHEMY_DATABASE_URI": PG,
      "REDIS_URL": "redis://r:6379/0"}, "PUBLIC_BASE_URL"),
])
def test_production_refuses_unsafe_settings(overrides, message, clean_env):
    with pytest.raises(RuntimeError, match=message):
        create_app(ProductionConfig, **overrides)


@pytest.mark.parametrize("config", [DevelopmentConfig, TestingConfig])
@pytest.mark.parametrize("overrides, message", [
    ({}, "SECRET_KEY"),
    ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY"),
    ({"SECRET_KEY": "real"}, "TOTP_ENCRYPTION_KEYS"),
])
def test_any_configuration_on_a_real_database_refuses_unsafe_settings(config, overrides, message, clean_env):
    """FLASK_CONFIG=development (or testing) against PostgreSQL must not sign sessions with the dev key."""
    with pytest.raises(RuntimeError, match=message):
        create_app(config, SQLALCHEMY_DATABASE_URI=PG, **overrides)


def test_flask_config_development_with_a_database_url_is_checked(clean_env, monkeypatch):
    monkeypatch.setenv("FLASK_CONFIG", "development")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/x")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_development_on_a_real_database_starts_with_real_secrets_and_ignores_the_host_header(clean_env):
    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=PG, SECRET_KEY="real", TOTP_ENCRYPTION_KEYS=(KEY,))
    assert app.config["PUBLIC_BASE_URL_FROM_REQUEST"] is False


def test_a_key_that_is_not_a_fernet_key_is_refused(clean_env):
    with pytest.raises(RuntimeError, match="key 2 is not a Fernet key"):
        create_app(ProductionConfig, SECRET_KEY="real", SQLALCHEMY_DATABASE_URI=PG, REDIS_URL="redis://r:6379/0",
                   PUBLIC_BASE_URL="https://stoette.kommune.dk", TOTP_ENCRYPTION_KEYS=(KEY, "hemmelig"))


def test_totp_keys_come_from_the_environment_newest_first():
    assert settings_from_env({"TOTP_ENCRYPTION_KEYS": " new , old "})["TOTP_ENCRYPTION_KEYS"] == ("new", "old")


def test_embedded_sqlite_derives_a_key_from_the_secret_key(tmp_path, clean_env):
    from app.secret_box import decrypt, derived_key, encrypt
    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite'}")
    box = app.extensions["secret_box"]
    assert decrypt(Fernet(derived_key(DEV_SECRET_KEY)), encrypt(box, "ABC")) == "ABC"


def test_production_starts_with_real_settings(clean_env):
    app = create_app(ProductionConfig, SECRET_KEY="real", SQLALCHEMY_DATABASE_URI=PG, TOTP_ENCRYPTION_KEYS=(KEY,),
                     REDIS_URL="redis://127.0.0.1:6379/0", PUBLIC_BASE_URL="https://stoette.kommune.dk")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["PUBLIC_BASE_URL_FROM_REQUEST"] is False


def test_testing_config(app):
    assert app.config["TESTING"] is True
    assert TestingConfig.WTF_CSRF_ENABLED is False


def test_normalise_keeps_sqlite():
    assert normalise_database_url("sqlite:///a.db") == "sqlite:///a.db"


@pytest.mark.parametrize("value, expected", [(None, True), ("false", False), ("0", False), ("true", True)])
def test_four_eyes_is_on_unless_the_municipality_turns_it_off(value, expected):
    settings = settings_from_env({} if value is None else {"FOUR_EYES": value})
    assert settings.get("FOUR_EYES", DevelopmentConfig.FOUR_EYES) is expected


def test_sqlite_commits_wait_for_the_disk_unless_told_otherwise(tmp_path):
    import sqlalchemy as sa

    from app.extensions import db
    for config, expected in ((TestingConfig, 0), (DevelopmentConfig, 2)):  # the tests: OFF; SQLite's own: FULL
        app = create_app(config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/{config.__name__}.sqlite")
        with app.app_context():
            assert db.session.execute(sa.text("PRAGMA synchronous")).scalar() == expected
            db.session.remove()
            db.engine.dispose()
    with pytest.raises(RuntimeError, match="SQLITE_SYNCHRONOUS"):
        create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.sqlite", SQLITE_SYNCHRONOUS="MAYBE")


def test_staff_sso_is_off_by_default_and_its_group_mapping_comes_from_the_environment():
    assert DevelopmentConfig.OIDC_ISSUER is None and DevelopmentConfig.OIDC_ROLE_GROUPS == {}
    settings = settings_from_env({"OIDC_ISSUER": "https://login.kommune.example", "OIDC_CLIENT_ID": "fs",
                                  "OIDC_ROLE_GROUPS": "Sagsbehandlere=caseworker, IT-admin=administrator,"})
    assert settings["OIDC_ISSUER"] == "https://login.kommune.example" and settings["OIDC_CLIENT_ID"] == "fs"
    assert settings["OIDC_ROLE_GROUPS"] == {"Sagsbehandlere": "caseworker", "IT-admin": "administrator"}
    with pytest.raises(RuntimeError, match="OIDC_ROLE_GROUPS"):
        settings_from_env({"OIDC_ROLE_GROUPS": "Alle=member"})  # SSO makes staff only


def test_operations_settings_come_from_the_environment():
    settings = settings_from_env({"LOG_FORMAT": "json", "LOG_LEVEL": "WARNING", "METRICS_TOKEN": "t",
                                  "METRICS_NETWORKS": "10.0.0.0/8, ::1,", "READINESS_TIMEOUT_SECONDS": "1.2",
                                  "PROMETHEUS_MULTIPROC_DIR": "/run/m"})
    assert settings["LOG_FORMAT"] == "json" and settings["LOG_LEVEL"] == "WARNING"
    assert settings["METRICS_TOKEN"] == "t" and settings["METRICS_NETWORKS"] == ("10.0.0.0/8", "::1")
    assert settings["READINESS_TIMEOUT_SECONDS"] == 1.2 and settings["PROMETHEUS_MULTIPROC_DIR"] == "/run/m"
    assert Config.LOG_FORMAT == "text" and Config.METRICS_TOKEN is None and Config.METRICS_NETWORKS == ()


def test_an_unknown_log_format_is_refused_at_start(tmp_path):
    with pytest.raises(RuntimeError, match="LOG_FORMAT"):
        create_app(TestingConfig, LOG_FORMAT="xml", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite'}")

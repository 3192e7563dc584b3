"""The app factory and configuration choices."""
import pytest

from app import create_app
from config import (DevelopmentConfig, ProductionConfig, TestingConfig, normalise_database_url,
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


@pytest.mark.parametrize("overrides, message", [
    ({}, "SECRET_KEY"),
    ({"SECRET_KEY": "real", "SQLALCHEMY_DATABASE_URI": "sqlite:///x.db"}, "PostgreSQL"),
    ({"SECRET_KEY": "real", "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://x/y"}, "REDIS_URL"),
])
def test_production_refuses_unsafe_settings(overrides, message, monkeypatch):
    for var in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(RuntimeError, match=message):
        create_app(ProductionConfig, **overrides)


def test_production_starts_with_real_settings(monkeypatch):
    for var in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        monkeypatch.delenv(var, raising=False)
    app = create_app(ProductionConfig, SECRET_KEY="real", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://x/y",
                     REDIS_URL="redis://127.0.0.1:6379/0")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_testing_config(app):
    assert app.config["TESTING"] is True
    assert TestingConfig.WTF_CSRF_ENABLED is False


def test_normalise_keeps_sqlite():
    assert normalise_database_url("sqlite:///a.db") == "sqlite:///a.db"

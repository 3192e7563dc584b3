"""Extension singletons, bound to the app in create_app."""
from __future__ import annotations

from functools import cached_property
from typing import Any

import click
from celery import Celery, Task
from flask import Flask, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

# Stable constraint names so Alembic migrations agree on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app whose tasks run inside a Flask app context."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


class MigrationsConfig:
    """What Flask-Migrate reads from app.extensions["migrate"], without importing Alembic until it is asked.

    Importing Flask-Migrate imports Alembic (a sixth of a cold start); every web and worker process would pay
    for it, and only `flask db` and the code that migrates (tests, benchmarks) use it.
    """

    def __init__(self, database: SQLAlchemy, directory: str, **configure_args: Any) -> None:
        self.db = database
        self.directory = directory
        self.configure_args = configure_args

    @cached_property
    def migrate(self) -> Any:
        from flask_migrate import Migrate
        return Migrate(db=self.db, directory=self.directory, **self.configure_args)

    @property
    def metadata(self) -> MetaData:
        return self.db.metadata


class MigrationCommands(click.Group):
    """`flask db`: lists under its own help line; Flask-Migrate's command group is imported when it is run."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        from flask_migrate.cli import db as commands
        return commands.make_context(info_name, args, parent=parent, **extra)


def migrate_init_app(app: Flask, directory: str) -> None:
    """Bind the migrations (Flask-Migrate, Alembic) to the app, lazily."""
    app.extensions["migrate"] = MigrationsConfig(db, directory, compare_type=True, render_as_batch=True)
    app.cli.add_command(MigrationCommands("db", help="Perform database migrations."))


def client_ip() -> str:
    """The address used for rate limits (behind a proxy, configure ProxyFix)."""
    return request.remote_addr or "unknown"

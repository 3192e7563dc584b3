"""Application factory."""
from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from config import (DEFAULT_PUBLIC_BASE_URL, DEV_SECRET_KEY, Config, ProductionConfig, select_config,
                    settings_from_env)


def create_app(config: type[Config] | None = None, **overrides: object) -> Flask:
    """Build the app from a config class, the environment and explicit overrides."""
    with collector_paused():
        return build_app(config, **overrides)


_first_build = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the app is built.

    Building the app makes hundreds of thousands of long-lived objects (modules, models, routes) and no garbage
    worth collecting; the collector would walk all of them several times over (a sixth of a cold start).
    """
    global _first_build
    # The process's first app imports every module: those objects go straight to the oldest generation, or the
    # collector's first pass after would walk them all once more. Not for later apps (tests build hundreds):
    # that would also age their garbage and keep it until a full collection. Nor when the caller froze objects
    # (unfreeze would thaw them).
    promote = _first_build and not gc.get_freeze_count()
    _first_build = False
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if promote:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


class App(Flask):
    from app.routing import CompiledOnceRule as url_rule_class
    from app.templating import TEMPLATES

    jinja_options = {**Flask.jinja_options, "bytecode_cache": TEMPLATES}


def build_app(config: type[Config] | None, **overrides: object) -> Flask:
    """create_app's steps, in order."""
    app = App(__name__, instance_relative_config=True)
    config = config or select_config()
    app.config.from_object(config)
    app.config.update(settings_from_env())
    app.config.update(overrides)
    configure_paths(app)
    refuse_unsafe_configuration(app, config)
    configure_secret_box(app)
    register_operations(app)
    trust_proxies(app)
    configure_public_url(app, config)
    register_extensions(app)
    wire(app)
    register_security(app)
    register_request_guards(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def configure_paths(app: Flask) -> None:
    """Default to an SQLite file in the instance folder (the embedded default)."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "app.sqlite")
    app.config.setdefault("UPLOAD_FOLDER", os.path.join(app.instance_path, "files"))
    if not app.config.get("MAIL_LOG_PATH"):
        app.config["MAIL_LOG_PATH"] = os.path.join(app.instance_path, "mail.log")


def uses_embedded_database(app: Flask) -> bool:
    """True when the database is an SQLite file (the embedded default, tests): no server, nothing shared."""
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


SQLITE_SYNCHRONOUS_MODES = ("OFF", "NORMAL", "FULL", "EXTRA")


def tune_sqlite(app: Flask) -> None:
    """SQLITE_SYNCHRONOUS: how long an SQLite commit waits for the disk (unset: SQLite's own FULL, two flushes).

    The tests set OFF: their databases live for one test, and at ten milliseconds a commit the flushes were a
    third of the SQLite pass. A deployment on the embedded database leaves it unset.
    """
    mode = app.config.get("SQLITE_SYNCHRONOUS")
    if not mode or not uses_embedded_database(app):
        return
    if mode not in SQLITE_SYNCHRONOUS_MODES:
        raise RuntimeError(f"SQLITE_SYNCHRONOUS must be one of {', '.join(SQLITE_SYNCHRONOUS_MODES)}, not {mode!r}")
    import sqlalchemy as sa

    from app.extensions import db
    with app.app_context():
        engine = db.engine

    def synchronous(connection, _record) -> None:
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA synchronous = {mode}")
        cursor.close()
    sa.event.listen(engine, "connect", synchronous)


def refuse_unsafe_configuration(app: Flask, config: type[Config]) -> None:
    """Refuse to start with settings that are only safe on the embedded SQLite database.

    The safety checks run for production *and* for any configuration (development, testing) on a real
    database: FLASK_CONFIG=development against PostgreSQL must not sign sessions with the dev key.
    """
    production = issubclass(config, ProductionConfig)
    if not production and uses_embedded_database(app):
        return
    where = "in production" if production else "when the database is not the embedded SQLite file"
    if app.config["SECRET_KEY"] in (None, "", DEV_SECRET_KEY):
        raise RuntimeError(f"SECRET_KEY must be set to a secret value {where}.")
    if not app.config.get("TOTP_ENCRYPTION_KEYS"):
        raise RuntimeError(f"TOTP_ENCRYPTION_KEYS must be set {where} (Fernet keys, comma-separated, "
                           "the newest first).")
    if not production:
        return
    if uses_embedded_database(app):
        raise RuntimeError("DATABASE_URL must point to PostgreSQL in production.")
    if not app.config.get("REDIS_URL"):
        raise RuntimeError("REDIS_URL must be set in production.")
    if not app.config.get("PUBLIC_BASE_URL"):
        raise RuntimeError("PUBLIC_BASE_URL must be set in production (the address links in e-mails point to).")


def register_operations(app: Flask) -> None:
    """JSON logs, /healthz, /readyz, /metrics and request ids (app/ops); inside ProxyFix, first of the hooks."""
    from app import ops
    ops.register(app)


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, take the client's address and scheme from their X-Forwarded headers.

    Rate limits are per client address: without this every user behind the proxy shares one bucket.
    """
    hops = app.config.get("TRUSTED_PROXIES") or 0
    if not isinstance(hops, int) or isinstance(hops, bool) or hops < 0:
        raise RuntimeError(f"TRUSTED_PROXIES must be a whole number of proxies (0 = none), not {hops!r}.")
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def configure_secret_box(app: Flask) -> None:
    """The key ring for secrets at rest: TOTP_ENCRYPTION_KEYS, or on embedded SQLite a key from SECRET_KEY."""
    from app import secret_box
    keys = secret_box.parse_keys(app.config.get("TOTP_ENCRYPTION_KEYS"))
    if not keys:  # refuse_unsafe_configuration has made sure this is the embedded database
        keys = (secret_box.derived_key(app.config["SECRET_KEY"]),)
    try:
        app.extensions[secret_box.EXTENSION] = secret_box.box_for(keys)
    except ValueError as exc:
        raise RuntimeError(str(exc)) from None


def configure_public_url(app: Flask, config: type[Config]) -> None:
    """Without PUBLIC_BASE_URL development links follow the request (app/services/delivery/links.py)."""
    unset = not app.config.get("PUBLIC_BASE_URL")
    # Only the embedded development set-up may take links from the Host header (a reset link must not be
    # pointed at another site by a forged header once real people's accounts are in the database).
    app.config["PUBLIC_BASE_URL_FROM_REQUEST"] = (unset and not issubclass(config, ProductionConfig)
                                                  and uses_embedded_database(app))
    if unset:
        app.config["PUBLIC_BASE_URL"] = DEFAULT_PUBLIC_BASE_URL


def register_extensions(app: Flask) -> None:
    """Bind the extension singletons."""
    from app.extensions import babel, celery_init_app, csrf, db, limiter, login_manager, migrate_init_app
    from app.i18n import select_locale

    db.init_app(app)
    tune_sqlite(app)
    migrate_init_app(app, str(Path(app.root_path).parent / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    # Flask-Login's own message is English; ours is translated when flashed (a lazy string can't go in the session).
    from flask_babel import gettext
    from workflows.i18n import N_
    login_manager.login_message = N_("Log ind for at se siden.")
    login_manager.localize_callback = gettext
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    # The locale belongs to the request, not to a longer-lived app context (tests, CLI).
    from flask_babel import refresh
    app.before_request(refresh)
    limiter.init_app(app)
    celery_init_app(app)
    from app import tasks  # noqa: F401  (registers the tasks with Celery)
    from app import models  # noqa: F401


def wire(app: Flask) -> None:
    """Bind the parts together (app/wiring.py); refuses to start if a workflow effect has no handler."""
    from app.wiring import wire as bind_parts
    bind_parts(app)


def register_security(app: Flask) -> None:
    """Security headers on every response; session idle and absolute time-outs."""
    from app import security
    security.register(app)


def register_request_guards(app: Flask) -> None:
    """Bounded ids, no NUL bytes, no caching of personal pages (app/request_guards.py); before the blueprints."""
    from app import request_guards
    request_guards.register(app)


def register_blueprints(app: Flask) -> None:
    """One blueprint per user area."""
    from app.admin import bp as admin_bp
    from app.auth import bp as auth_bp
    from app.i18n.routes import bp as i18n_bp
    from app.main import bp as main_bp
    from app.portal import bp as portal_bp
    from app.staff import bp as staff_bp

    for bp in (main_bp, auth_bp, i18n_bp, portal_bp, staff_bp, admin_bp):
        app.register_blueprint(bp)
    from app.approvals import bp as approvals_bp
    app.register_blueprint(approvals_bp)
    from app.premises.views import bp as premises_bp
    app.register_blueprint(premises_bp)
    from app.committee import bp as committee_bp, notices_bp
    app.register_blueprint(committee_bp)
    app.register_blueprint(notices_bp)
    from app.directory import bp as directory_bp
    from app.indicators import bp as indicators_bp
    from app.opendata import bp as opendata_bp
    from app.payouts import bp as payouts_bp
    from app.reporting import bp as reporting_bp
    for bp in (payouts_bp, reporting_bp, indicators_bp, opendata_bp, directory_bp):  # after the decision
        app.register_blueprint(bp)
    from app.applying import bp as applying_bp
    app.register_blueprint(applying_bp)
    from app.annual import bp as annual_bp  # årlig indberetning and § 4 approval
    app.register_blueprint(annual_bp)
    from app.privacy import bp as privacy_bp  # read logs, aktindsigt, Mine data, account deletion, retention
    app.register_blueprint(privacy_bp)
    from app.api import register as register_api  # /api/v1: OpenAPI, OAuth 2.0 client credentials (issue 22)
    register_api(app)


def register_errorhandlers(app: Flask) -> None:
    """Error pages in the site frame."""
    from app.main.errors import register
    register(app)


def register_template_helpers(app: Flask) -> None:
    """Globals and filters for templates."""
    from app.main.template_helpers import register
    register(app)


def register_commands(app: Flask) -> None:
    """Every `flask` command of ours (app/commands/)."""
    from app.commands import register
    register(app)

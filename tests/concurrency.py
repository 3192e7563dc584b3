"""Run requests at the same moment, each in its own thread, connection and session (for race tests)."""
from __future__ import annotations

import threading
from collections.abc import Callable

from app.extensions import db


def at_once(app, attempts: list[Callable], timeout: float = 60, **config) -> list:
    """Call each attempt(racing_app, go) in its own thread; `go()` waits until all are ready. Returns their results.

    Each attempt prepares (logs in, loads a page) and then calls go() right before the request that races.
    An exception becomes the result "error: ...", so a 500 cannot hide in a thread.
    """
    from app import create_app
    from config import TestingConfig
    racing = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                        MAIL_LOG_PATH=app.config["MAIL_LOG_PATH"], UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
                        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": len(attempts) + 2, "max_overflow": 0}
                        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") else {}, **config)
    barrier, results = threading.Barrier(len(attempts)), [None] * len(attempts)

    def run(i: int, attempt: Callable) -> None:
        with racing.app_context():
            try:
                results[i] = attempt(racing, lambda: barrier.wait(timeout=timeout))
            except Exception as exc:  # noqa: BLE001  (reported by the caller's assertions)
                results[i] = f"error: {exc!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout + 30)
    with racing.app_context():
        db.engine.dispose()
    return results

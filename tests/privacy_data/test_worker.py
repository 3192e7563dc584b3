"""The retention job through a real Celery worker (PostgreSQL and Redis, like production)."""
from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import Invitation
from tests.tasks.conftest import ROOT, broker_app, private_redis, smtp_sink, start_celery, wait_for, worker  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def celery_env(app, database_template: str, private_redis, smtp_sink) -> dict[str, str]:  # noqa: F811
    """Production config on the test database, this test's Redis and upload folder."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "FLASK_CONFIG": "production", "DATABASE_URL": database_template,
            "REDIS_URL": private_redis.url, "SECRET_KEY": uuid.uuid4().hex, "MAIL_BACKEND": "smtp",
            "PUBLIC_BASE_URL": "https://stoette.kommune.example",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_sink.port), "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"]}


def test_worker_runs_the_retention_job(world, worker, broker_app):  # noqa: F811
    invitation = Invitation(association_id=world.association.id, email="gammel@example.dk", role="member",
                            expires_at=clock.now() - timedelta(days=3 * 366))
    db.session.add(invitation)
    db.session.commit()
    broker_app.extensions["celery"].send_task("app.tasks.retention.anonymise_expired")

    def done() -> bool:
        db.session.expire_all()
        return db.session.get(Invitation, invitation.id).email.endswith("@slettet.invalid")
    wait_for(done, "the worker to anonymise the old invitation")
    assert "app.tasks.retention.anonymise_expired" in worker.log()

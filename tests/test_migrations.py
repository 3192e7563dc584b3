"""The migrations build the schema from empty, and agree with the models."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_upgrade_from_empty_and_downgrade_on_sqlite(tmp_path):
    from flask_migrate import downgrade, upgrade
    from app import create_app
    from config import TestingConfig
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        assert "case_events" in sa.inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert "case_events" not in sa.inspect(db.engine).get_table_names()
        upgrade()
        db.engine.dispose()


@pytest.mark.postgres
def test_upgrade_from_empty_on_postgres(app):
    """The session fixture dropped the schema and ran every migration on PostgreSQL."""
    assert db.engine.dialect.name == "postgresql"
    names = set(sa.inspect(db.engine).get_table_names())
    assert {"users", "associations", "cases", "case_events", "outbox_messages", "pools"} <= names
    version = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    assert version

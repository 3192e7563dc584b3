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


def test_0350_fills_updated_at_from_the_last_known_change_on_sqlite(tmp_path):
    """A sent batch: when it was sent; its unanswered line: the same; a cancelled booking: when it was cancelled."""
    from flask_migrate import upgrade
    from app import create_app
    from config import TestingConfig
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.sqlite'}")
    made, sent, cancelled = "2027-01-01 08:00:00.000000", "2027-01-02 08:00:00.000000", "2027-01-03 08:00:00.000000"
    with app.app_context():
        upgrade(revision="0340")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO payment_batches (id, status, due_by, total_amount, line_count, "
                                 "created_at, sent_at) VALUES (1, 'sent', '2027-01-05', 10, 1, :made, :sent)"),
                         {"made": made, "sent": sent})
            conn.execute(sa.text("INSERT INTO payment_batch_lines (id, batch_id, instalment_id, case_id, amount, "
                                 "case_number, recipient_name, cvr, text, status) "
                                 "VALUES (1, 1, 1, 1, 10, '2027-0001', 'Klubben', '12345674', '', 'sent')"))
            conn.execute(sa.text("INSERT INTO booking_cancellations (id, space_id, kind, reason, created_at) "
                                 "VALUES (1, 1, 'association', 'Regn', :at)"), {"at": cancelled})
            conn.execute(sa.text("INSERT INTO bookings (id, space_id, title, starts_at, ends_at, status, "
                                 "cancellation_id, created_at) VALUES (1, 1, 'Fodbold', :made, :sent, 'cancelled', "
                                 "1, :made), (2, 1, 'Håndbold', :made, :sent, 'confirmed', NULL, :made)"),
                         {"made": made, "sent": sent})
        upgrade()
        with db.engine.connect() as conn:
            got = [conn.scalar(sa.text(f"SELECT updated_at FROM {table} WHERE id = :id"), {"id": row_id})
                   for table, row_id in (("payment_batches", 1), ("payment_batch_lines", 1), ("bookings", 1),
                                         ("bookings", 2))]
        db.engine.dispose()
    assert [str(v)[:19] for v in got] == [sent[:19], sent[:19], cancelled[:19], made[:19]]

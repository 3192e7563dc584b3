"""Read log: an administrator's export of everything about a person is a read of type "user".

Revision ID: 0210
Revises: 0200

On SQLite the batch mode recreates read_events, and SQLite drops a table's triggers with it: the
append-only triggers are dropped first and created again afterwards (as in 0120).
"""
from alembic import op

revision = "0210"
down_revision = "0200"
branch_labels = None
depends_on = None

OLD_TYPES = "object_type IN ('case','association','document','case_export')"
NEW_TYPES = "object_type IN ('case','association','document','case_export','user')"
APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER read_events_no_update BEFORE UPDATE ON read_events "
    "BEGIN SELECT RAISE(ABORT, 'read_events is append-only'); END",
    "CREATE TRIGGER read_events_no_delete BEFORE DELETE ON read_events "
    "BEGIN SELECT RAISE(ABORT, 'read_events is append-only'); END",
)


def _replace_check(condition: str) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS read_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS read_events_no_delete")
    with op.batch_alter_table("read_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_read_events_object_type"), type_="check")
        batch_op.create_check_constraint(op.f("ck_read_events_object_type"), condition)
    if sqlite:
        for statement in APPEND_ONLY_SQLITE:
            op.execute(statement)


def upgrade():
    _replace_check(NEW_TYPES)


def downgrade():
    # Refused by the database while "user" reads exist: the log is append-only, they are not removed.
    _replace_check(OLD_TYPES)

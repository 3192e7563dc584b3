"""Read log: who among staff read which case, association or document, and when (append-only).

Revision ID: 0120
Revises: 0100
"""
from alembic import op
import sqlalchemy as sa

revision = "0120"
down_revision = "0100"
branch_labels = None
depends_on = None

APPEND_ONLY_PG = """
CREATE OR REPLACE FUNCTION read_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'read_events is append-only (the log of who read personal data)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER read_events_no_update BEFORE UPDATE OR DELETE ON read_events
  FOR EACH ROW EXECUTE FUNCTION read_events_append_only();
"""

APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER read_events_no_update BEFORE UPDATE ON read_events "
    "BEGIN SELECT RAISE(ABORT, 'read_events is append-only'); END",
    "CREATE TRIGGER read_events_no_delete BEFORE DELETE ON read_events "
    "BEGIN SELECT RAISE(ABORT, 'read_events is append-only'); END",
)


def upgrade():
    op.create_table(
        "read_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reader_id", sa.Integer(), nullable=False),
        sa.Column("reader_role", sa.String(length=32), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("association_id", sa.Integer(), nullable=True),
        sa.Column("subject_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("object_type IN ('case','association','document','case_export')",
                           name=op.f("ck_read_events_object_type")),
        sa.ForeignKeyConstraint(["reader_id"], ["users.id"], name=op.f("fk_read_events_reader_id_users"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_read_events_case_id_cases"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["association_id"], ["associations.id"],
                                name=op.f("fk_read_events_association_id_associations"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["subject_user_id"], ["users.id"],
                                name=op.f("fk_read_events_subject_user_id_users"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_read_events")),
    )
    with op.batch_alter_table("read_events", schema=None) as batch_op:
        batch_op.create_index("ix_read_events_association_time", ["association_id", "created_at", "id"])
        batch_op.create_index("ix_read_events_subject_time", ["subject_user_id", "created_at", "id"])
        batch_op.create_index("ix_read_events_reader_time", ["reader_id", "created_at", "id"])
        batch_op.create_index("ix_read_events_case_time", ["case_id", "created_at", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_PG)
    else:
        for statement in APPEND_ONLY_SQLITE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS read_events_no_update ON read_events")
        op.execute("DROP FUNCTION IF EXISTS read_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS read_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS read_events_no_delete")
    op.drop_table("read_events")

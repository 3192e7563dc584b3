"""The integration API's clients, tokens and call journal; the read log learns API clients as readers.

A read by an integration names the client (api_client_id) instead of a person (reader_id), so reader_id may
be empty, never both. On SQLite the batch mode recreates read_events and SQLite drops a table's triggers with
it: the append-only triggers are dropped first and created again afterwards (as in 0120 and 0210).

Revision ID: 0320
Revises: 0297
"""
from alembic import op
import sqlalchemy as sa

revision = "0320"
down_revision = "0297"
branch_labels = None
depends_on = None

APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER read_events_no_update BEFORE UPDATE ON read_events "
    "BEGIN SELECT RAISE(ABORT, 'read_events is append-only'); END",
    "CREATE TRIGGER read_events_no_delete BEFORE DELETE ON read_events "
    "BEGIN SELECT RAISE(ABORT, 'read_events is append-only'); END",
)
READER_PRESENT = "reader_id IS NOT NULL OR api_client_id IS NOT NULL"


def _create_tables() -> None:
    op.create_table(
        "api_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=255), nullable=False),
        sa.Column("scopes", sa.String(length=255), nullable=False),
        sa.Column("rate_per_minute", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_api_clients_created_by_id_users"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"], name=op.f("fk_api_clients_revoked_by_id_users"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_api_clients_client_id")),
        sa.UniqueConstraint("name", name=op.f("uq_api_clients_name")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.String(length=255), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["api_clients.id"], name=op.f("fk_api_tokens_client_id_api_clients"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index("ix_api_tokens_client_expires", "api_tokens", ["client_id", "expires_at"])
    op.create_table(
        "api_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("endpoint", sa.String(length=80), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["api_clients.id"], name=op.f("fk_api_calls_client_id_api_clients"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_calls")),
    )
    op.create_index("ix_api_calls_client_time", "api_calls", ["client_id", "created_at", "id"])


def _alter_read_events(upgrade: bool) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS read_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS read_events_no_delete")
    with op.batch_alter_table("read_events", schema=None) as batch_op:
        if upgrade:
            batch_op.add_column(sa.Column("api_client_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(op.f("fk_read_events_api_client_id_api_clients"), "api_clients",
                                        ["api_client_id"], ["id"], ondelete="RESTRICT")
            batch_op.alter_column("reader_id", existing_type=sa.Integer(), nullable=True)
            batch_op.create_check_constraint(op.f("ck_read_events_reader_present"), READER_PRESENT)
        else:
            # Refused by the database while API reads exist: the log is append-only, they are not removed.
            batch_op.drop_constraint(op.f("ck_read_events_reader_present"), type_="check")
            batch_op.alter_column("reader_id", existing_type=sa.Integer(), nullable=False)
            batch_op.drop_constraint(op.f("fk_read_events_api_client_id_api_clients"), type_="foreignkey")
            batch_op.drop_column("api_client_id")
    if sqlite:
        for statement in APPEND_ONLY_SQLITE:
            op.execute(statement)


def upgrade():
    _create_tables()
    _alter_read_events(upgrade=True)
    op.create_index("ix_cases_updated", "cases", ["updated_at", "id"])


def downgrade():
    op.drop_index("ix_cases_updated", table_name="cases")
    _alter_read_events(upgrade=False)
    op.drop_table("api_calls")
    op.drop_index("ix_api_tokens_client_expires", table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_table("api_clients")

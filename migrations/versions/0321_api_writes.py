"""The API's writes: the ESDH journal number of a case, the finance system's answer per payout line, and
integrations as actors in the case journal.

case_events.api_client_id names the integration that wrote an entry (actor_id stays empty for it). On SQLite
the batch mode recreates case_events and drops its append-only triggers: they are dropped first and created
again afterwards (as in 0120, 0210 and 0320).

Revision ID: 0321
Revises: 0320
"""
from alembic import op
import sqlalchemy as sa

revision = "0321"
down_revision = "0320"
branch_labels = None
depends_on = None

APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events "
    "BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END",
    "CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events "
    "BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END",
)
LINE_STATUS = "status IN ('sent','paid','failed')"
SETTLED_HAS_REFERENCE = "status = 'sent' OR finance_reference IS NOT NULL"


def _alter_case_events(upgrade: bool) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS case_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS case_events_no_delete")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        if upgrade:
            batch_op.add_column(sa.Column("api_client_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(op.f("fk_case_events_api_client_id_api_clients"), "api_clients",
                                        ["api_client_id"], ["id"], ondelete="RESTRICT")
        else:
            batch_op.drop_constraint(op.f("fk_case_events_api_client_id_api_clients"), type_="foreignkey")
            batch_op.drop_column("api_client_id")
    if sqlite:
        for statement in APPEND_ONLY_SQLITE:
            op.execute(statement)


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("esdh_journal_number", sa.String(length=64), nullable=True))
    with op.batch_alter_table("payment_batch_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=8), nullable=False, server_default="sent"))
        batch_op.add_column(sa.Column("finance_reference", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("failure_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("settled_by_client_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_payment_batch_lines_settled_by_client_id_api_clients"), "api_clients",
                                    ["settled_by_client_id"], ["id"], ondelete="RESTRICT")
        batch_op.create_check_constraint(op.f("ck_payment_batch_lines_status"), LINE_STATUS)
        batch_op.create_check_constraint(op.f("ck_payment_batch_lines_settled_has_reference"), SETTLED_HAS_REFERENCE)
    _alter_case_events(upgrade=True)


def downgrade():
    _alter_case_events(upgrade=False)
    with op.batch_alter_table("payment_batch_lines", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_payment_batch_lines_settled_has_reference"), type_="check")
        batch_op.drop_constraint(op.f("ck_payment_batch_lines_status"), type_="check")
        batch_op.drop_constraint(op.f("fk_payment_batch_lines_settled_by_client_id_api_clients"), type_="foreignkey")
        for column in ("settled_by_client_id", "settled_at", "failure_reason", "finance_reference", "status"):
            batch_op.drop_column(column)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("esdh_journal_number")

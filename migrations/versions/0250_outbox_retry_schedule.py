"""Outbox retry schedule: the next attempt and the retry window live on the row; failures are reported once.

Revision ID: 0250
Revises: 0225

Rows already pending keep going: no next attempt means due now, no window means OUTBOX_RETRY_HOURS
after creation. Rows already failed count as reported, so the first digest does not name old ones.
"""
from alembic import op
import sqlalchemy as sa

revision = "0250"
down_revision = "0225"
branch_labels = None
depends_on = None

COLUMNS = ("next_attempt_at", "retry_until", "failed_at", "failure_reported_at")


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_outbox_status_next_attempt", ["status", "next_attempt_at"])
    op.execute("UPDATE outbox_messages SET failed_at = created_at, failure_reported_at = created_at "
               "WHERE status = 'failed'")


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_next_attempt")
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)

"""Webhooks wait for an earlier delivery of their case as "held" outbox rows (no attempts, no backoff), and a
failed delivery can be skipped by the administrator (webhook_deliveries.skipped_at).

Revision ID: 0370
Revises: 0360
"""
from alembic import op
import sqlalchemy as sa

revision = "0370"
down_revision = "0360"
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('pending','delivered','failed')"
NEW_STATUSES = "status IN ('pending','held','delivered','failed')"


def _replace_check(condition: str) -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_messages_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_messages_status"), condition)


def upgrade():
    _replace_check(NEW_STATUSES)
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skipped_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    # Held rows go back to pending: the old code tries them (and keeps the order by failing the later ones).
    op.execute("UPDATE outbox_messages SET status = 'pending' WHERE status = 'held'")
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_column("skipped_at")
    _replace_check(OLD_STATUSES)

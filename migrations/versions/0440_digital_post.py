"""Digital Post (issue 24): how a decision letter went out by Digital Post (MeMo over SF1601 or a provider's
file drop) and when it became available there; deadlines that run from notification count from that time.

Revision ID: 0440
Revises: 0430
"""
from alembic import op
import sqlalchemy as sa


revision = "0440"
down_revision = "0430"
branch_labels = None
depends_on = None


STATUS_CHECK = "digital_post_status IS NULL OR digital_post_status IN ('sent','exempt','failed')"
# Sent means available in Digital Post from a known time (the deadlines count from it).
SENT_CHECK = "digital_post_status IS NULL OR digital_post_status <> 'sent' OR digital_post_at IS NOT NULL"


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # ADD COLUMN with its CHECK: a batch copy of the table would drop the sent-is-final triggers (0050).
        op.execute("ALTER TABLE decisions ADD COLUMN digital_post_at DATETIME")
        op.execute("ALTER TABLE decisions ADD COLUMN digital_post_status VARCHAR(16) "
                   f"CONSTRAINT ck_decisions_digital_post_status CHECK ({STATUS_CHECK}) "
                   f"CONSTRAINT ck_decisions_digital_post_sent_has_time CHECK ({SENT_CHECK})")
        return
    op.add_column("decisions", sa.Column("digital_post_status", sa.String(length=16), nullable=True))
    op.add_column("decisions", sa.Column("digital_post_at", sa.DateTime(timezone=True), nullable=True))
    op.create_check_constraint("ck_decisions_digital_post_status", "decisions", STATUS_CHECK)
    op.create_check_constraint("ck_decisions_digital_post_sent_has_time", "decisions", SENT_CHECK)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE decisions DROP COLUMN digital_post_status")
        op.execute("ALTER TABLE decisions DROP COLUMN digital_post_at")
        return
    op.drop_constraint("ck_decisions_digital_post_sent_has_time", "decisions", type_="check")
    op.drop_constraint("ck_decisions_digital_post_status", "decisions", type_="check")
    op.drop_column("decisions", "digital_post_at")
    op.drop_column("decisions", "digital_post_status")

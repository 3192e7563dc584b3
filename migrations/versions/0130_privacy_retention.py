"""privacy: when a case or a user was anonymised under the retention rules

Revision ID: 0130
Revises: 0100
"""
from alembic import op
import sqlalchemy as sa

revision = "0130"
down_revision = "0100"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")

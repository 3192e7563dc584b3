"""Invitations bound to the invited address: a link used by another account waits for a chair's confirmation.

Revision ID: 0260
Revises: 0250
"""
from alembic import op
import sqlalchemy as sa

revision = "0260"
down_revision = "0250"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_invitations_claimed_by_id_users"), "users", ["claimed_by_id"], ["id"],
                                    ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_invitations_claimed_by_id_users"), type_="foreignkey")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claimed_by_id")

"""The CVR register (issue 23): when an association was last checked against the register and what it said, and
the changes the nightly sync found for a caseworker to apply or dismiss.

Revision ID: 0430
Revises: 0420
"""
from alembic import op
import sqlalchemy as sa


revision = "0430"
down_revision = "0420"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("associations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("register_checked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("register_snapshot", sa.JSON(), nullable=True))
    op.create_table(
        "register_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("association_id", sa.Integer(), sa.ForeignKey("associations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("register", sa.JSON(), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.CheckConstraint("status IN ('pending','applied','dismissed')", name=op.f("ck_register_changes_status")),
    )
    op.create_index("ix_register_changes_association", "register_changes", ["association_id", "id"])
    op.create_index("ix_register_changes_status", "register_changes", ["status", "id"])


def downgrade():
    op.drop_index("ix_register_changes_status", table_name="register_changes")
    op.drop_index("ix_register_changes_association", table_name="register_changes")
    op.drop_table("register_changes")
    with op.batch_alter_table("associations", schema=None) as batch_op:
        batch_op.drop_column("register_snapshot")
        batch_op.drop_column("register_checked_at")

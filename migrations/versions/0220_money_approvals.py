"""To-mandsregel: money_approvals holds a corrected amount or a payout batch until a second person answers.

Revision ID: 0220
Revises: 0210
"""
import sqlalchemy as sa
from alembic import op

revision = "0220"
down_revision = "0210"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "money_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('correction','payout_batch')", name=op.f("ck_money_approvals_kind")),
        sa.CheckConstraint("status IN ('pending','approved','rejected')", name=op.f("ck_money_approvals_status")),
        sa.CheckConstraint("decided_by_id IS NULL OR decided_by_id <> proposed_by_id",
                           name=op.f("ck_money_approvals_four_eyes")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_money_approvals_case_id_cases"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"],
                                name=op.f("fk_money_approvals_decision_id_decisions"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["batch_id"], ["payment_batches.id"],
                                name=op.f("fk_money_approvals_batch_id_payment_batches"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["proposed_by_id"], ["users.id"],
                                name=op.f("fk_money_approvals_proposed_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name=op.f("fk_money_approvals_decided_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_money_approvals")),
    )
    with op.batch_alter_table("money_approvals", schema=None) as batch_op:
        batch_op.create_index("ix_money_approvals_status", ["status", "kind"], unique=False)
        batch_op.create_index("ix_money_approvals_case", ["case_id"], unique=False)
        batch_op.create_index("ix_money_approvals_batch", ["batch_id"], unique=False)


def downgrade():
    with op.batch_alter_table("money_approvals", schema=None) as batch_op:
        batch_op.drop_index("ix_money_approvals_batch")
        batch_op.drop_index("ix_money_approvals_case")
        batch_op.drop_index("ix_money_approvals_status")
    op.drop_table("money_approvals")

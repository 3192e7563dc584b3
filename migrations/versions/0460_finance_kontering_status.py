"""Finance (issue 24): kontering per pool and on each payout line, and the payment status files (pain.002) read
back with what in them did not match.

Revision ID: 0460
Revises: 0450
"""
from alembic import op
import sqlalchemy as sa


revision = "0460"
down_revision = "0450"
branch_labels = None
depends_on = None

KONTERING = (("account_code", 40), ("cost_centre", 20), ("psp_element", 40))


def upgrade():
    for table in ("pools", "payment_batch_lines"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, length in KONTERING:
                batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=True))
    op.create_table(
        "payment_status_imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("payment_batches.id", ondelete="CASCADE"), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=35), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("paid_count", sa.Integer(), nullable=False),
        sa.Column("rejected_count", sa.Integer(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("batch_id", "sha256", name=op.f("uq_payment_status_imports_batch_id_sha256")),
        sa.CheckConstraint("paid_count >= 0 AND rejected_count >= 0",
                           name=op.f("ck_payment_status_imports_counts_positive")),
    )
    op.create_index("ix_payment_status_imports_batch", "payment_status_imports", ["batch_id", "id"])
    op.create_table(
        "payment_status_differences",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("payment_status_imports.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("line_id", sa.Integer(), sa.ForeignKey("payment_batch_lines.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("end_to_end_id", sa.String(length=35), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=4), nullable=False),
        sa.Column("reported_amount", sa.String(length=24), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('unknown_line','amount','paid_twice','conflict')",
                           name=op.f("ck_payment_status_differences_kind")),
    )
    op.create_index("ix_payment_status_differences_import", "payment_status_differences", ["import_id", "id"])


def downgrade():
    op.drop_index("ix_payment_status_differences_import", table_name="payment_status_differences")
    op.drop_table("payment_status_differences")
    op.drop_index("ix_payment_status_imports_batch", table_name="payment_status_imports")
    op.drop_table("payment_status_imports")
    for table in ("payment_batch_lines", "pools"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _length in reversed(KONTERING):
                batch_op.drop_column(name)

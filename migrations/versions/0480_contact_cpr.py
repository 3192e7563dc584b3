"""Digital Post to an informal group's contact person by CPR (issue 24): a pool setting that allows it, and the
CPR number the contact person gave on an application, encrypted at rest (app/secret_box.py) in a table of its own
so that loading a case never decrypts it; the row goes when the case's personal data is erased.

Revision ID: 0480
Revises: 0470
"""
import sqlalchemy as sa
from alembic import op


revision = "0480"
down_revision = "0470"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digital_post_to_cpr", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_table(
        "case_contact_cprs",
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("cpr", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("case_contact_cprs")
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.drop_column("digital_post_to_cpr")

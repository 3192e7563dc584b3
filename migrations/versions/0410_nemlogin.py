"""Log-in through NemLog-in (issue 23): assertion ids already accepted, so none is accepted twice, and the
journal of log-ins through an identity provider, refusals with their reason.

Revision ID: 0410
Revises: 0400
"""
from alembic import op
import sqlalchemy as sa


revision = "0410"
down_revision = "0400"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "saml_assertion_ids",
        sa.Column("assertion_id", sa.String(length=255), primary_key=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_saml_assertion_ids_expires_at", "saml_assertion_ids", ["expires_at"])
    op.create_table(
        "sign_in_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.Column("subject", sa.String(length=255), nullable=True),
        sa.Column("cvr", sa.String(length=8), nullable=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sign_in_events_created", "sign_in_events", ["created_at"])


def downgrade():
    op.drop_index("ix_sign_in_events_created", table_name="sign_in_events")
    op.drop_table("sign_in_events")
    op.drop_index("ix_saml_assertion_ids_expires_at", table_name="saml_assertion_ids")
    op.drop_table("saml_assertion_ids")

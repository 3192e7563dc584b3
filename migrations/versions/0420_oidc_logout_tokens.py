"""Staff single sign-on (issue 23): the back-channel logout tokens already acted on, so none is replayed.

Revision ID: 0420
Revises: 0410
"""
from alembic import op
import sqlalchemy as sa


revision = "0420"
down_revision = "0410"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "oidc_used_logout_tokens",
        sa.Column("jti", sa.String(length=255), primary_key=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_oidc_used_logout_tokens_expires_at", "oidc_used_logout_tokens", ["expires_at"])


def downgrade():
    op.drop_index("ix_oidc_used_logout_tokens_expires_at", table_name="oidc_used_logout_tokens")
    op.drop_table("oidc_used_logout_tokens")

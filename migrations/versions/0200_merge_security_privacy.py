"""Merge the security and privacy work built side by side (two-factor log-in, read log, retention).

Revision ID: 0200
Revises: 0110, 0120, 0130
"""

revision = "0200"
down_revision = ("0110", "0120", "0130")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

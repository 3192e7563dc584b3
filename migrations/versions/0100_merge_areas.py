"""Merge the areas built side by side (administration, caseworker, portal, premises, committee, after decision).

Revision ID: 0100
Revises: 0010, 0020, 0030, 0040, 0050, 0060
"""

revision = "0100"
down_revision = ("0010", "0020", "0030", "0040", "0050", "0060")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

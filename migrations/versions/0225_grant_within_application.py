"""A case never grants more than it applied for: the rule of app/services/pools/limits.py, also in the database.

Revision ID: 0225
Revises: 0220

No pool rule allows a grant above the application today; a case without an applied amount (a premises
loan) is not bound. Batch mode, so SQLite recreates the table and PostgreSQL simply adds the CHECK.
"""
from alembic import op

revision = "0225"
down_revision = "0220"
branch_labels = None
depends_on = None

CONDITION = "granted_amount IS NULL OR amount_applied IS NULL OR granted_amount <= amount_applied"


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_cases_granted_within_applied"), CONDITION)


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_cases_granted_within_applied"), type_="check")

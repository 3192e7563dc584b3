"""The queue's page query stops early at a million cases: three indexes for the filters and the sort that made it
read thousands of rows per page.

- ix_cases_state_submitted carries amount_applied, reply_deadline and report_due_on (INCLUDE, PostgreSQL
  only): "overdue replies" and an amount range are checked on the index entries while it is read in
  submitted order, instead of a heap fetch per skipped case (6,600 heap rows for one page of overdue replies).
- ix_cases_unassigned_state_submitted, (state, submitted_at, id) WHERE assignee_id IS NULL: `IS NULL` on
  ix_cases_assignee_state_submitted does not give rows in submitted order, so each state's unassigned cases
  were all read and sorted.
- ix_cases_state_deadline, (state, coalesce(reply_deadline, report_due_on, '9999-12-31'), id): the deadline
  sort reads each waiting state in deadline order and merges them, instead of sorting every waiting case.

Revision ID: 0330
Revises: 0321
"""
from alembic import op
import sqlalchemy as sa

revision = "0330"
down_revision = "0321"
branch_labels = None
depends_on = None

UNASSIGNED = sa.text("assignee_id IS NULL")
# Must equal app.models.case.DEADLINE_SQL (migrations do not import the app).
DEADLINE_SQL = "coalesce(reply_deadline, report_due_on, '9999-12-31')"
COVERED = ["amount_applied", "reply_deadline", "report_due_on"]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_cases_state_submitted", table_name="cases")
        op.create_index("ix_cases_state_submitted", "cases", ["state", "submitted_at", "id"],
                        postgresql_include=COVERED)
    op.create_index("ix_cases_unassigned_state_submitted", "cases", ["state", "submitted_at", "id"],
                    postgresql_where=UNASSIGNED, sqlite_where=UNASSIGNED)
    op.create_index("ix_cases_state_deadline", "cases", ["state", sa.text(DEADLINE_SQL), "id"])


def downgrade():
    op.drop_index("ix_cases_state_deadline", table_name="cases")
    op.drop_index("ix_cases_unassigned_state_submitted", table_name="cases")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_cases_state_submitted", table_name="cases")
        op.create_index("ix_cases_state_submitted", "cases", ["state", "submitted_at", "id"])

"""The queue's amount range stays flat at a million cases: it read every case of a state without amounts
(premises loans) looking for a match, and the overdue count read every waiting case.

- ix_cases_amount_state_submitted, (state, submitted_at, id) WHERE amount_applied IS NOT NULL, carrying the amount
  and the deadlines (INCLUDE, PostgreSQL only): an amount filter reads each state in submitted order among the
  cases that have an amount. On ix_cases_state_submitted the 'requested' state (premises loans, never an amount)
  was read to its end for every page: 7,953 index entries at 1M cases to find none.
- ix_cases_state_amount carries submitted_at and the deadlines (INCLUDE, PostgreSQL only): the overdue count
  under an amount filter reads the range and checks the deadlines on the index entries (it read 18,720 entries
  of the waiting states in submitted order), and a narrow range's page can be read as a range and sorted.

Revision ID: 0380
Revises: 0370
"""
from alembic import op
import sqlalchemy as sa

revision = "0380"
down_revision = "0370"
branch_labels = None
depends_on = None

PRICED = sa.text("amount_applied IS NOT NULL")


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.drop_index("ix_cases_state_amount", table_name="cases")
        op.create_index("ix_cases_state_amount", "cases", ["state", "amount_applied", "id"],
                        postgresql_include=["submitted_at", "reply_deadline", "report_due_on"])
    op.create_index("ix_cases_amount_state_submitted", "cases", ["state", "submitted_at", "id"],
                    postgresql_include=["amount_applied", "reply_deadline", "report_due_on"],
                    postgresql_where=PRICED, sqlite_where=PRICED)


def downgrade():
    op.drop_index("ix_cases_amount_state_submitted", table_name="cases")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_cases_state_amount", table_name="cases")
        op.create_index("ix_cases_state_amount", "cases", ["state", "amount_applied", "id"])

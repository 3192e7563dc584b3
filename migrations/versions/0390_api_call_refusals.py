"""Every API call journalised, refused ones too: api_calls gets the answer's status and problem, and a call by no
known client (a bad token, a token request naming an unknown id) has no client_id; the id such a token request
named is kept as text in named_client_id, never as a foreign key.

Revision ID: 0390
Revises: 0380
"""
from alembic import op
import sqlalchemy as sa

revision = "0390"
down_revision = "0380"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_calls", schema=None) as batch_op:
        batch_op.alter_column("client_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("named_client_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("status", sa.Integer(), nullable=False, server_default="200"))
        batch_op.add_column(sa.Column("problem", sa.String(length=40), nullable=True))


def downgrade():
    op.execute("DELETE FROM api_calls WHERE client_id IS NULL")
    with op.batch_alter_table("api_calls", schema=None) as batch_op:
        batch_op.drop_column("problem")
        batch_op.drop_column("status")
        batch_op.drop_column("named_client_id")
        batch_op.alter_column("client_id", existing_type=sa.Integer(), nullable=False)

"""Months between a pool's instalments (1 monthly, 3 quarterly advances for lokaletilskud).

Revision ID: 0294
Revises: 0291
Create Date: 2026-12-07 07:35:51.163138

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0294'
down_revision = '0291'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('instalment_interval', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_check_constraint(op.f('ck_pools_instalment_interval_range'),
                                         'instalment_interval BETWEEN 1 AND 12')


def downgrade():
    with op.batch_alter_table('pools', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_pools_instalment_interval_range'), type_='check')
        batch_op.drop_column('instalment_interval')

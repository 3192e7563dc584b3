"""Settlement of a premises scheme's advances against next year's reports: a batch that settles another.

A settlement batch names the approved batch it settles and the campaign whose reports it reads; each line keeps
the advance it settles. One approved batch per scheme now means one approved advance batch, and one approved
settlement per settled batch.

Revision ID: 0297
Revises: 0296
Create Date: 2026-12-07 08:09:23.845736

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0297'
down_revision = '0296'
branch_labels = None
depends_on = None

OLD_APPROVED = "status = 'approved'"
APPROVED = "status = 'approved' AND settles_batch_id IS NULL"
SETTLED = "status = 'approved' AND settles_batch_id IS NOT NULL"


def upgrade():
    with op.batch_alter_table('subsidy_batch_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('advance', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_subsidy_batch_lines_advance_positive'),
                                         'advance IS NULL OR advance >= 0')

    with op.batch_alter_table('subsidy_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settles_batch_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('settlement_campaign_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_subsidy_batches_settles_batch_id_subsidy_batches'),
                                    'subsidy_batches', ['settles_batch_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_foreign_key(batch_op.f('fk_subsidy_batches_settlement_campaign_id_reporting_campaigns'),
                                    'reporting_campaigns', ['settlement_campaign_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_check_constraint(op.f('ck_subsidy_batches_settlement_has_campaign'),
                                         '(settles_batch_id IS NULL) = (settlement_campaign_id IS NULL)')
        batch_op.drop_index('uq_subsidy_batches_approved', sqlite_where=sa.text(OLD_APPROVED),
                            postgresql_where=sa.text(OLD_APPROVED))
        batch_op.create_index('uq_subsidy_batches_approved', ['scheme_id'], unique=True,
                              sqlite_where=sa.text(APPROVED), postgresql_where=sa.text(APPROVED))
        batch_op.create_index('uq_subsidy_batches_settled', ['settles_batch_id'], unique=True,
                              sqlite_where=sa.text(SETTLED), postgresql_where=sa.text(SETTLED))


def downgrade():
    op.execute("DELETE FROM subsidy_batch_lines WHERE batch_id IN "
               "(SELECT id FROM subsidy_batches WHERE settles_batch_id IS NOT NULL)")
    op.execute("DELETE FROM subsidy_batches WHERE settles_batch_id IS NOT NULL")
    with op.batch_alter_table('subsidy_batches', schema=None) as batch_op:
        batch_op.drop_index('uq_subsidy_batches_settled', sqlite_where=sa.text(SETTLED),
                            postgresql_where=sa.text(SETTLED))
        batch_op.drop_index('uq_subsidy_batches_approved', sqlite_where=sa.text(APPROVED),
                            postgresql_where=sa.text(APPROVED))
        batch_op.create_index('uq_subsidy_batches_approved', ['scheme_id'], unique=True,
                              sqlite_where=sa.text(OLD_APPROVED), postgresql_where=sa.text(OLD_APPROVED))
        batch_op.drop_constraint(op.f('ck_subsidy_batches_settlement_has_campaign'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_subsidy_batches_settlement_campaign_id_reporting_campaigns'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_subsidy_batches_settles_batch_id_subsidy_batches'), type_='foreignkey')
        batch_op.drop_column('settlement_campaign_id')
        batch_op.drop_column('settles_batch_id')

    with op.batch_alter_table('subsidy_batch_lines', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_subsidy_batch_lines_advance_positive'), type_='check')
        batch_op.drop_column('advance')

"""caseworker: assessments, criterion scores, queue indexes, full-text search

Revision ID: 0020
Revises: 0003
Create Date: 2026-11-26 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0003'
branch_labels = None
depends_on = None

# Must equal app.models.case.CASE_SEARCH_SQL (migrations do not import the app).
CASE_SEARCH_SQL = "(to_tsvector('danish'::regconfig, title::text) || to_tsvector('danish'::regconfig, data))"


def upgrade():
    op.create_table('assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('recommendation', sa.Text(), nullable=False),
    sa.Column('assessed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['users.id'], name=op.f('fk_assessments_assessed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_assessments_case_id_cases'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments')),
    sa.UniqueConstraint('case_id', name=op.f('uq_assessments_case_id'))
    )
    op.create_table('criterion_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('criterion_name', sa.String(length=200), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.CheckConstraint('score BETWEEN 0 AND 5', name=op.f('ck_criterion_scores_score_range')),
    sa.CheckConstraint('weight > 0', name=op.f('ck_criterion_scores_weight_positive')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_criterion_scores_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['criterion_id'], ['pool_criteria.id'], name=op.f('fk_criterion_scores_criterion_id_pool_criteria'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criterion_scores')),
    sa.UniqueConstraint('assessment_id', 'criterion_id', name=op.f('uq_criterion_scores_assessment_id_criterion_id'))
    )
    with op.batch_alter_table('criterion_scores', schema=None) as batch_op:
        batch_op.create_index('ix_criterion_scores_criterion', ['criterion_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_state_amount', ['state', 'amount_applied', 'id'], unique=False)
        batch_op.create_index('ix_cases_association_state', ['association_id', 'state', 'id'], unique=False)
        batch_op.create_index('ix_cases_workflow_state_submitted', ['workflow', 'state', 'submitted_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_cases_state_due', ['state', 'reply_deadline', 'report_due_on', 'id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_cases_search ON cases USING gin ({CASE_SEARCH_SQL})")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_cases_search")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_state_due')
        batch_op.drop_index('ix_cases_workflow_state_submitted')
        batch_op.drop_index('ix_cases_association_state')
        batch_op.drop_index('ix_cases_state_amount')

    with op.batch_alter_table('criterion_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_criterion_scores_criterion')

    op.drop_table('criterion_scores')
    op.drop_table('assessments')

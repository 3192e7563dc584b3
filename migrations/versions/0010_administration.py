"""administration: pool set-up, form versions, letter settings, the administrators' journal

Revision ID: 0010
Revises: 0003
Create Date: 2026-11-25 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0003'
branch_labels = None
depends_on = None


APPEND_ONLY_PG = """
CREATE OR REPLACE FUNCTION admin_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'admin_events is append-only (journal of administrator changes)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER admin_events_no_update BEFORE UPDATE OR DELETE ON admin_events
  FOR EACH ROW EXECUTE FUNCTION admin_events_append_only();
"""

APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER admin_events_no_update BEFORE UPDATE ON admin_events "
    "BEGIN SELECT RAISE(ABORT, 'admin_events is append-only'); END",
    "CREATE TRIGGER admin_events_no_delete BEFORE DELETE ON admin_events "
    "BEGIN SELECT RAISE(ABORT, 'admin_events is append-only'); END",
)


def make_admin_journal_append_only():
    """The administrators' journal can only grow: the database refuses UPDATE and DELETE."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_PG)
    else:
        for statement in APPEND_ONLY_SQLITE:
            op.execute(statement)


def upgrade():
    op.create_table('admin_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_admin_events_actor_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_events'))
    )
    with op.batch_alter_table('admin_events', schema=None) as batch_op:
        batch_op.create_index('ix_admin_events_actor', ['actor_id', 'id'], unique=False)
        batch_op.create_index('ix_admin_events_entity', ['entity_type', 'entity_id', 'id'], unique=False)
    make_admin_journal_append_only()

    op.create_table('municipality_settings',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('signature_lines', sa.Text(), nullable=False),
    sa.Column('logo_key', sa.String(length=64), nullable=True),
    sa.Column('logo_content_type', sa.String(length=40), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_municipality_settings_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_municipality_settings'))
    )

    with op.batch_alter_table('pools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_mode', sa.String(length=16), server_default='single', nullable=False))
        batch_op.add_column(sa.Column('instalment_count', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('advance_allowed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('copied_from_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_pools_copied_from_id_pools'), 'pools', ['copied_from_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_check_constraint(op.f('ck_pools_payment_mode'), "payment_mode IN ('single','instalments')")
        batch_op.create_check_constraint(op.f('ck_pools_instalment_count_range'), 'instalment_count BETWEEN 1 AND 24')

    op.create_table('pool_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['pool_id'], ['pools.id'], name=op.f('fk_pool_rounds_pool_id_pools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_rounds')),
    sa.UniqueConstraint('pool_id', 'deadline', name=op.f('uq_pool_rounds_pool_id_deadline'))
    )
    op.create_table('eligibility_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('qualifying_answer', sa.Boolean(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['pool_id'], ['pools.id'], name=op.f('fk_eligibility_questions_pool_id_pools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eligibility_questions')),
    sa.UniqueConstraint('pool_id', 'position', name=op.f('uq_eligibility_questions_pool_id_position'))
    )

    op.create_table('form_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status = 'draft' OR (number IS NOT NULL AND published_at IS NOT NULL)", name=op.f('ck_form_versions_published_numbered')),
    sa.CheckConstraint("status IN ('draft','published')", name=op.f('ck_form_versions_status')),
    sa.ForeignKeyConstraint(['pool_id'], ['pools.id'], name=op.f('fk_form_versions_pool_id_pools'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_form_versions_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_versions')),
    sa.UniqueConstraint('pool_id', 'number', name=op.f('uq_form_versions_pool_id_number'))
    )
    with op.batch_alter_table('form_versions', schema=None) as batch_op:
        batch_op.create_index('uq_form_versions_draft', ['pool_id'], unique=True,
                              sqlite_where=sa.text("status = 'draft'"), postgresql_where=sa.text("status = 'draft'"))

    op.create_table('form_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('intro', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['form_versions.id'], name=op.f('fk_form_steps_version_id_form_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_steps'))
    )
    with op.batch_alter_table('form_steps', schema=None) as batch_op:
        batch_op.create_index('ix_form_steps_version', ['version_id', 'position'], unique=False)

    op.create_table('form_fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('help_text', sa.Text(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('condition_key', sa.String(length=40), nullable=True),
    sa.Column('condition_value', sa.String(length=200), nullable=True),
    sa.CheckConstraint("kind IN ('short_text','long_text','number','amount','date','yes_no','single_choice','multiple_choice','email','phone','file','budget')", name=op.f('ck_form_fields_kind')),
    sa.CheckConstraint('condition_key IS NULL OR condition_key <> key', name=op.f('ck_form_fields_condition_not_self')),
    sa.ForeignKeyConstraint(['step_id'], ['form_steps.id'], name=op.f('fk_form_fields_step_id_form_steps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['form_versions.id'], name=op.f('fk_form_fields_version_id_form_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_fields')),
    sa.UniqueConstraint('version_id', 'key', name=op.f('uq_form_fields_version_id_key'))
    )
    with op.batch_alter_table('form_fields', schema=None) as batch_op:
        batch_op.create_index('ix_form_fields_step', ['step_id', 'position'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_version_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_form_version_id'), ['form_version_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cases_form_version_id_form_versions'), 'form_versions',
                                    ['form_version_id'], ['id'], ondelete='RESTRICT')


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_form_version_id_form_versions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cases_form_version_id'))
        batch_op.drop_column('form_version_id')

    with op.batch_alter_table('form_fields', schema=None) as batch_op:
        batch_op.drop_index('ix_form_fields_step')
    op.drop_table('form_fields')
    with op.batch_alter_table('form_steps', schema=None) as batch_op:
        batch_op.drop_index('ix_form_steps_version')
    op.drop_table('form_steps')
    with op.batch_alter_table('form_versions', schema=None) as batch_op:
        batch_op.drop_index('uq_form_versions_draft', sqlite_where=sa.text("status = 'draft'"),
                            postgresql_where=sa.text("status = 'draft'"))
    op.drop_table('form_versions')
    op.drop_table('eligibility_questions')
    op.drop_table('pool_rounds')

    with op.batch_alter_table('pools', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_pools_instalment_count_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_pools_payment_mode'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_pools_copied_from_id_pools'), type_='foreignkey')
        batch_op.drop_column('copied_from_id')
        batch_op.drop_column('advance_allowed')
        batch_op.drop_column('instalment_count')
        batch_op.drop_column('payment_mode')

    op.drop_table('municipality_settings')

    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS admin_events_no_update ON admin_events")
        op.execute("DROP FUNCTION IF EXISTS admin_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS admin_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS admin_events_no_delete")
    with op.batch_alter_table('admin_events', schema=None) as batch_op:
        batch_op.drop_index('ix_admin_events_entity')
        batch_op.drop_index('ix_admin_events_actor')
    op.drop_table('admin_events')

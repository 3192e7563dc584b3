"""portal: association journal, invitations, approval requests, who declared børneattest

Revision ID: 0030
Revises: 0003
Create Date: 2026-11-25 10:52:48.409834

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0003'
branch_labels = None
depends_on = None


APPEND_ONLY_PG = """
CREATE OR REPLACE FUNCTION association_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'association_events is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER association_events_no_update BEFORE UPDATE OR DELETE ON association_events
  FOR EACH ROW EXECUTE FUNCTION association_events_append_only();
"""

APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER association_events_no_update BEFORE UPDATE ON association_events "
    "BEGIN SELECT RAISE(ABORT, 'association_events is append-only'); END",
    "CREATE TRIGGER association_events_no_delete BEFORE DELETE ON association_events "
    "BEGIN SELECT RAISE(ABORT, 'association_events is append-only'); END",
)


def upgrade():
    op.create_table('approval_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('pending','approved','rejected')", name=op.f('ck_approval_requests_status')),
    sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_approval_requests_year_range')),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_approval_requests_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_approval_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_approval_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_requests')),
    sa.UniqueConstraint('association_id', 'year', name=op.f('uq_approval_requests_association_id_year'))
    )
    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.create_index('ix_approval_requests_status_requested', ['status', 'requested_at', 'id'], unique=False)

    op.create_table('association_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_association_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_association_events_association_id_associations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_association_events'))
    )
    with op.batch_alter_table('association_events', schema=None) as batch_op:
        batch_op.create_index('ix_association_events_association', ['association_id', 'id'], unique=False)

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('chair','treasurer','member')", name=op.f('ck_invitations_role')),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_invitations_email_lower')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_invitations_accepted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_invitations_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index('ix_invitations_association_created', ['association_id', 'created_at'], unique=False)

    with op.batch_alter_table('associations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('child_certificate_declared_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_associations_child_certificate_declared_by_id_users'), 'users', ['child_certificate_declared_by_id'], ['id'], ondelete='SET NULL')

    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_PG)
    else:
        for statement in APPEND_ONLY_SQLITE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS association_events_no_update ON association_events")
        op.execute("DROP FUNCTION IF EXISTS association_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS association_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS association_events_no_delete")

    with op.batch_alter_table('associations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_associations_child_certificate_declared_by_id_users'), type_='foreignkey')
        batch_op.drop_column('child_certificate_declared_by_id')

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_invitations_association_created')
    op.drop_table('invitations')

    with op.batch_alter_table('association_events', schema=None) as batch_op:
        batch_op.drop_index('ix_association_events_association')
    op.drop_table('association_events')

    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_approval_requests_status_requested')
    op.drop_table('approval_requests')

"""committee meetings and agendas; decisions made at a meeting; sent decisions are final

Revision ID: 0050
Revises: 0003
Create Date: 2026-11-25 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0050'
down_revision = '0003'
branch_labels = None
depends_on = None

FINAL_COLUMNS = ("case_id", "outcome", "amount", "reason", "appeal_text", "legal_basis", "delegated",
                 "decided_by_id", "decided_at", "corrects_id", "meeting_id", "correction_note",
                 "letter_document_id", "letter_sha256", "letter_available_at")
MESSAGE = "a sent decision cannot be changed or deleted; make a correction instead"


def upgrade():
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('agenda_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('minutes_document_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('planned','closed')", name=op.f('ck_meetings_status')),
    sa.CheckConstraint("status = 'planned' OR closed_at IS NOT NULL", name=op.f('ck_meetings_closed_at_set')),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_meetings_committee_id_committees'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_meetings_closed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meetings_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['minutes_document_id'], ['documents.id'], name=op.f('fk_meetings_minutes_document_id_documents'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_committee_date', ['committee_id', 'meeting_date'], unique=False)
        batch_op.create_index('ix_meetings_status_date', ['status', 'meeting_date'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('proposal', sa.String(length=16), nullable=True),
    sa.Column('proposed_amount', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("proposal IS NULL OR proposal IN ('grant','partly','reject','postpone')", name=op.f('ck_agenda_items_proposal')),
    sa.CheckConstraint('proposed_amount IS NULL OR proposed_amount >= 0', name=op.f('ck_agenda_items_amount_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_agenda_items_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_agenda_items_decision_id_decisions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_items_meeting_id_meetings'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_agenda_items_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items')),
    sa.UniqueConstraint('meeting_id', 'case_id', name=op.f('uq_agenda_items_meeting_id_case_id'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index('ix_agenda_items_meeting_position', ['meeting_id', 'position'], unique=False)
        batch_op.create_index('uq_agenda_items_open_case', ['case_id'], unique=True,
                              sqlite_where=sa.text('is_open'), postgresql_where=sa.text('is_open'))

    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('correction_note', sa.Text(), server_default='', nullable=False))
        batch_op.create_index('ix_decisions_corrects', ['corrects_id'], unique=False)
        batch_op.create_index('ix_decisions_meeting', ['meeting_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_decisions_meeting_id_meetings'), 'meetings', ['meeting_id'], ['id'], ondelete='RESTRICT')
    _create_final_triggers()


def _create_final_triggers():
    """The database refuses to change or delete a decision whose letter is available."""
    if op.get_bind().dialect.name == "postgresql":
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FINAL_COLUMNS)
        op.execute(f"""
            CREATE FUNCTION decisions_sent_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF OLD.letter_available_at IS NOT NULL AND (TG_OP = 'DELETE' OR {changed}) THEN
                RAISE EXCEPTION '{MESSAGE} (decision %)', OLD.id USING ERRCODE = 'check_violation';
              END IF;
              RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
            END $$""")
        op.execute("CREATE TRIGGER decisions_sent_is_final BEFORE UPDATE OR DELETE ON decisions "
                   "FOR EACH ROW EXECUTE FUNCTION decisions_sent_is_final()")
        return
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FINAL_COLUMNS)
    op.execute(f"""CREATE TRIGGER decisions_sent_is_final BEFORE UPDATE ON decisions
        WHEN OLD.letter_available_at IS NOT NULL AND ({changed})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""")
    op.execute(f"""CREATE TRIGGER decisions_sent_not_deleted BEFORE DELETE ON decisions
        WHEN OLD.letter_available_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""")


def _drop_final_triggers():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS decisions_sent_is_final ON decisions")
        op.execute("DROP FUNCTION IF EXISTS decisions_sent_is_final()")
        return
    op.execute("DROP TRIGGER IF EXISTS decisions_sent_is_final")
    op.execute("DROP TRIGGER IF EXISTS decisions_sent_not_deleted")


def downgrade():
    _drop_final_triggers()
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_decisions_meeting_id_meetings'), type_='foreignkey')
        batch_op.drop_index('ix_decisions_meeting')
        batch_op.drop_index('ix_decisions_corrects')
        batch_op.drop_column('correction_note')
        batch_op.drop_column('meeting_id')

    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index('uq_agenda_items_open_case', sqlite_where=sa.text('is_open'), postgresql_where=sa.text('is_open'))
        batch_op.drop_index('ix_agenda_items_meeting_position')

    op.drop_table('agenda_items')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_status_date')
        batch_op.drop_index('ix_meetings_committee_date')

    op.drop_table('meetings')

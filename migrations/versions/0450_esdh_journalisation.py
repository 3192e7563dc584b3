"""ESDH journalisation (issue 24): a pool's KLE number and handling facet, which its cases are filed under in the
municipality's ESDH, and the ESDH's id of each document filed there (the case's ESDH number is cases.esdh_journal_number).

Revision ID: 0450
Revises: 0440
"""
from alembic import op
import sqlalchemy as sa


revision = "0450"
down_revision = "0440"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kle_number", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("kle_facet", sa.String(length=3), nullable=True))
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("esdh_document_id", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("esdh_document_id")
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.drop_column("kle_facet")
        batch_op.drop_column("kle_number")

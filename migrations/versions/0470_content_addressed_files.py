"""Files named by the SHA-256 of their content (issue 25): two documents with the same bytes share one stored
file, so documents.storage_key is no longer unique; an index keeps the file/row check and deletions fast.

Downgrade restores the unique constraint and fails while two rows still share a file.

Revision ID: 0470
Revises: 0430
"""
from alembic import op


revision = "0470"
down_revision = "0430"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint("uq_documents_storage_key", type_="unique")
        batch_op.create_index("ix_documents_storage_key", ["storage_key"], unique=False)


def downgrade():
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_storage_key")
        batch_op.create_unique_constraint("uq_documents_storage_key", ["storage_key"])

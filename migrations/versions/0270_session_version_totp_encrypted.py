"""Sessions can be revoked (users.session_version) and TOTP secrets are encrypted at rest.

Revision ID: 0270
Revises: 0260

Existing plain base32 secrets are encrypted here with the first key of the running app's
TOTP_ENCRYPTION_KEYS (app/secret_box.py); the column grows to hold a Fernet token. Sessions from
before this revision carry no version and end at their next request: everyone logs in once more.
"""
from alembic import op
import sqlalchemy as sa
from flask import current_app

from app import secret_box

revision = "0270"
down_revision = "0260"
branch_labels = None
depends_on = None

users = sa.table("users", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String))


def _box():
    return current_app.extensions[secret_box.EXTENSION]


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))
        batch_op.alter_column("totp_secret", existing_type=sa.String(length=64), type_=sa.String(length=255),
                              existing_nullable=True)
    conn = op.get_bind()
    rows = conn.execute(sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))).all()
    for user_id, value in rows:
        if not secret_box.is_encrypted(value):
            conn.execute(users.update().where(users.c.id == user_id)
                         .values(totp_secret=secret_box.encrypt(_box(), value)))


def downgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))).all()
    for user_id, value in rows:
        if secret_box.is_encrypted(value):
            conn.execute(users.update().where(users.c.id == user_id)
                         .values(totp_secret=secret_box.decrypt(_box(), value)))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("totp_secret", existing_type=sa.String(length=255), type_=sa.String(length=64),
                              existing_nullable=True)
        batch_op.drop_column("session_version")

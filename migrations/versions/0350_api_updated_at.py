"""`updated_at` on every list the API pages (issue 22: "filterable by updated_since"): pools, associations,
payment batches and their lines, spaces and bookings, each with an index (updated_at, id) that serves both
`updated_since` and the cursor of a list ordered by change ((batch_id, updated_at, id) for the lines, which the
API lists one batch at a time).

Existing rows get the latest time the row is known to have changed: a batch when it was paid or sent, a line
when the finance system answered (else when its batch was sent), a booking when it was cancelled, the others when
they were made; the migration's own time where nothing is known. The column is added empty, filled, then made
NOT NULL (on SQLite the batch mode recreates the table for that; none of these tables has triggers).

Revision ID: 0350
Revises: 0340
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = "0350"
down_revision = "0340"
branch_labels = None
depends_on = None

TABLES = ("pools", "associations", "payment_batches", "payment_batch_lines", "premises_spaces", "bookings")


def _table(name: str, *columns: str) -> sa.TableClause:
    return sa.table(name, sa.column("id", sa.Integer), sa.column("updated_at", sa.DateTime(timezone=True)),
                    *(sa.column(c, sa.DateTime(timezone=True)) for c in columns))


def _last_known() -> list[tuple[sa.TableClause, sa.ColumnElement]]:
    """Per table: the table and the best existing timestamp of a row's last change."""
    pools, associations, spaces = (_table(n, "created_at") for n in ("pools", "associations", "premises_spaces"))
    batches = _table("payment_batches", "created_at", "sent_at", "paid_at")
    lines = _table("payment_batch_lines", "settled_at")
    lines.append_column(sa.column("batch_id", sa.Integer))
    bookings = _table("bookings", "created_at")
    bookings.append_column(sa.column("cancellation_id", sa.Integer))
    cancellations = _table("booking_cancellations", "created_at")
    batch_time = (sa.select(sa.func.coalesce(batches.c.sent_at, batches.c.created_at))
                  .where(batches.c.id == lines.c.batch_id).scalar_subquery())
    cancelled = (sa.select(cancellations.c.created_at)
                 .where(cancellations.c.id == bookings.c.cancellation_id).scalar_subquery())
    return [(pools, pools.c.created_at), (associations, associations.c.created_at),
            (batches, sa.func.coalesce(batches.c.paid_at, batches.c.sent_at, batches.c.created_at)),
            (lines, sa.func.coalesce(lines.c.settled_at, batch_time)),
            (spaces, spaces.c.created_at), (bookings, sa.func.coalesce(cancelled, bookings.c.created_at))]


def upgrade():
    for name in TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    # A migration runs outside the app's clock.
    now = sa.literal(datetime.now(timezone.utc), sa.DateTime(timezone=True))
    for table, known in _last_known():
        op.execute(sa.update(table).values(updated_at=sa.func.coalesce(known, now)))
    for name in TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.alter_column("updated_at", existing_type=sa.DateTime(timezone=True), nullable=False)
            batch_op.create_index(*_index(name), unique=False)


def _index(name: str) -> tuple[str, list[str]]:
    if name == "payment_batch_lines":  # listed per batch: the batch leads
        return "ix_payment_batch_lines_batch_updated", ["batch_id", "updated_at", "id"]
    return f"ix_{name}_updated", ["updated_at", "id"]


def downgrade():
    for name in reversed(TABLES):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(_index(name)[0])
            batch_op.drop_column("updated_at")

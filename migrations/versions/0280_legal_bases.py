"""A library of legal bases with their appeal guidance; each pool chooses one entry.

Revision ID: 0280
Revises: 0270

The library is seeded with the municipality's usual bases. Each pool's free-text legal basis is
matched to an entry by name (the demo's texts all match); a basis the library does not know becomes an
entry of its own, with the pool's appeal text (or the default guidance). The pools' two free-text
columns are then dropped. Decisions keep the texts they stored: a letter already sent is not changed.
Repayment claims (decisions too) now store the basis and guidance they are sent with.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

from app.models.legal_basis import DEFAULT_APPEAL, SEED

revision = "0280"
down_revision = "0270"
branch_labels = None
depends_on = None

legal_bases = sa.table("legal_bases", sa.column("id", sa.Integer), sa.column("code", sa.String),
                       sa.column("name", sa.String), sa.column("appeal_text", sa.Text), sa.column("note", sa.Text),
                       sa.column("created_at", sa.DateTime(timezone=True)),
                       sa.column("updated_at", sa.DateTime(timezone=True)))
pools = sa.table("pools", sa.column("id", sa.Integer), sa.column("name", sa.String),
                 sa.column("legal_basis", sa.Text), sa.column("appeal_text", sa.Text),
                 sa.column("legal_basis_id", sa.Integer))


def _key(text: str) -> str:
    """'Folkeoplysningslovens § 25 ' -> 'folkeoplysningslovens § 25' (how names are matched)."""
    return " ".join((text or "").split()).lower()


def upgrade():
    op.create_table(
        "legal_bases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("appeal_text", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(trim(name)) > 0", name=op.f("ck_legal_bases_name_required")),
        sa.CheckConstraint("length(trim(appeal_text)) > 0", name=op.f("ck_legal_bases_appeal_required")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_bases")),
        sa.UniqueConstraint("code", name=op.f("uq_legal_bases_code")),
    )
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_basis_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_pools_legal_basis_id_legal_bases"), "legal_bases",
                                    ["legal_basis_id"], ["id"], ondelete="RESTRICT")
        batch_op.create_index("ix_pools_legal_basis", ["legal_basis_id"], unique=False)

    conn = op.get_bind()
    now = datetime.now(timezone.utc)  # a migration runs outside the app's clock
    for code, name, appeal, note in SEED:
        conn.execute(legal_bases.insert().values(code=code, name=name, appeal_text=appeal, note=note,
                                                 created_at=now, updated_at=now))
    known = {_key(name): entry_id for entry_id, name in conn.execute(sa.select(legal_bases.c.id, legal_bases.c.name))}
    own: dict[tuple[str, str], int] = {}
    rows = conn.execute(sa.select(pools.c.id, pools.c.name, pools.c.legal_basis, pools.c.appeal_text)
                        .order_by(pools.c.id)).all()
    for pool_id, pool_name, basis, appeal in rows:
        basis, appeal = " ".join((basis or "").split()), (appeal or "").strip()
        if not basis and not appeal:
            continue  # nothing chosen: the administrator chooses an entry; letters use the default guidance
        entry_id = known.get(_key(basis)) if basis else None
        if entry_id is None:
            name = basis or f"kommunens regler for {pool_name}"
            entry_id = own.get((name, appeal))
            if entry_id is None:
                entry_id = conn.execute(legal_bases.insert().values(
                    code=f"pulje-{pool_id}", name=name[:300], appeal_text=appeal or DEFAULT_APPEAL,
                    note=f"Overført fra puljen »{pool_name}«.", created_at=now, updated_at=now)
                    .returning(legal_bases.c.id)).scalar_one()
                own[(name, appeal)] = entry_id
        conn.execute(pools.update().where(pools.c.id == pool_id).values(legal_basis_id=entry_id))

    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.drop_column("appeal_text")
        batch_op.drop_column("legal_basis")
    # A repayment claim keeps the basis and guidance it was sent with (its HTML version reads them).
    with op.batch_alter_table("repayment_claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_basis", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("appeal_text", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("repayment_claims", schema=None) as batch_op:
        batch_op.drop_column("appeal_text")
        batch_op.drop_column("legal_basis")
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_basis", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("appeal_text", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    rows = conn.execute(sa.select(pools.c.id, legal_bases.c.name, legal_bases.c.appeal_text)
                        .select_from(pools.join(legal_bases, pools.c.legal_basis_id == legal_bases.c.id))).all()
    for pool_id, name, appeal in rows:
        conn.execute(pools.update().where(pools.c.id == pool_id).values(legal_basis=name, appeal_text=appeal))
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.drop_index("ix_pools_legal_basis")
        batch_op.drop_constraint(op.f("fk_pools_legal_basis_id_legal_bases"), type_="foreignkey")
        batch_op.drop_column("legal_basis_id")
    op.drop_table("legal_bases")

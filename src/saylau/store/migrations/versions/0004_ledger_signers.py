"""the ledger's signing key leaves the database: key ids and log origin

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 19:10:00.000000

The private key column is dropped and nothing secret is moved anywhere: a key that anyone
reading the database could copy has to be treated as known to them, so it never signs again.
Its public key stays, in ``ledger_keys`` from size 0, so every head it signed still verifies;
the log's next head is signed by the key file the service is configured with, registered
then from the next tree size.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ORIGIN_PREFIX = "saylau.kz/"


def _key_id(name: str, public: bytes) -> str:
    return hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4].hex()


def upgrade() -> None:
    op.create_table(
        "ledger_keys",
        sa.Column("election_id", sa.String(length=64), nullable=False),
        sa.Column("from_size", sa.BigInteger(), nullable=False),
        sa.Column("key_id", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["election_id"], ["elections.id"]),
        sa.PrimaryKeyConstraint("election_id", "from_size"),
    )
    with op.batch_alter_table("tree_heads") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
    with op.batch_alter_table("ledger_state") as batch:
        batch.add_column(sa.Column("origin", sa.String(length=255), nullable=True))
        batch.alter_column("public_key", existing_type=sa.LargeBinary(), nullable=True)
    bind = op.get_bind()
    state = sa.table(
        "ledger_state",
        sa.column("election_id", sa.String),
        sa.column("public_key", sa.LargeBinary),
        sa.column("origin", sa.String),
    )
    keys = sa.table(
        "ledger_keys",
        sa.column("election_id", sa.String),
        sa.column("from_size", sa.BigInteger),
        sa.column("key_id", sa.String),
        sa.column("name", sa.String),
        sa.column("public_key", sa.LargeBinary),
        sa.column("added_at", sa.DateTime(timezone=True)),
    )
    now = sa.func.now()
    for election_id, public in bind.execute(sa.select(state.c.election_id, state.c.public_key)):
        origin = ORIGIN_PREFIX + election_id
        bind.execute(
            keys.insert().values(
                election_id=election_id,
                from_size=0,
                key_id=_key_id(origin, bytes(public)),
                name=origin,
                public_key=bytes(public),
                added_at=now,
            )
        )
        bind.execute(
            state.update()
            .where(state.c.election_id == election_id)
            .values(origin=origin, public_key=None)
        )
    with op.batch_alter_table("ledger_state") as batch:
        batch.alter_column("origin", existing_type=sa.String(length=255), nullable=False)
        batch.drop_column("signing_key")


def downgrade() -> None:
    # The private keys are gone for good; a downgraded database cannot sign again.
    with op.batch_alter_table("ledger_state") as batch:
        batch.add_column(sa.Column("signing_key", sa.LargeBinary(), nullable=True))
        batch.drop_column("origin")
    with op.batch_alter_table("tree_heads") as batch:
        batch.drop_column("note")
    op.drop_table("ledger_keys")

"""the ledger's perfect-subtree nodes, stored as they are appended

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 19:10:00.000000

Logs that already have leaves get their nodes here, once, so that every proof is served
from stored nodes from the first request on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tree_nodes",
        sa.Column("election_id", sa.String(length=64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("index", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["election_id"], ["elections.id"]),
        sa.PrimaryKeyConstraint("election_id", "level", "index"),
    )
    from saylau.service.treenodes import backfill

    connection = op.get_bind()
    for (election_id,) in connection.execute(
        sa.text("SELECT DISTINCT election_id FROM ledger_entries")
    ):
        backfill(connection, election_id)


def downgrade() -> None:
    op.drop_table("tree_nodes")

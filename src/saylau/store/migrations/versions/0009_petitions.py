"""online petitions: their steps, signatures, withdrawals and the petitions' log

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 04:30:00.000000

A petition is the replay of its transitions (never changed, each an entry of the petitions'
Merkle log); signatures are insert-only, one per citizen per petition by a unique
constraint, so the counts per petition, region and day are derived by SQL and cannot drift.
Each petition has its own log of salted commitments (a leaf per signature and withdrawal)
with signed heads, for receipts and public counts. Body credentials gain the subject they
speak for (a citizen's IIN, an addressee body).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("body_credentials") as batch:
        batch.add_column(sa.Column("subject", sa.String(length=64), nullable=True))
    op.create_table(
        "petitions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("addressee", sa.String(length=32), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=True),
        sa.Column("author_iin", sa.String(length=12), nullable=False),
        sa.Column("drafted_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_petitions_state", "petitions", ["state"])
    op.create_table(
        "petition_log",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("frontier", sa.LargeBinary(), nullable=False),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "petition_transitions",
        sa.Column("petition_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ledger_index", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["body_credentials.id"]),
        sa.PrimaryKeyConstraint("petition_id", "number"),
    )
    op.create_table(
        "petition_signatures",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("petition_id", sa.String(length=64), nullable=False),
        sa.Column("iin", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("certificate_serial", sa.String(length=128), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("salt", sa.LargeBinary(), nullable=True),
        sa.Column("leaf_index", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("petition_id", "iin", name="uq_petition_signatures_citizen"),
    )
    op.create_index(
        "ix_petition_signatures_day", "petition_signatures", ["petition_id", "signed_on"]
    )
    op.create_index(
        "ix_petition_signatures_region", "petition_signatures", ["petition_id", "region"]
    )
    op.create_table(
        "petition_withdrawals",
        sa.Column("signature_id", sa.BigInteger(), nullable=False),
        sa.Column("petition_id", sa.String(length=64), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("salt", sa.LargeBinary(), nullable=True),
        sa.Column("leaf_index", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["signature_id"], ["petition_signatures.id"]),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"]),
        sa.PrimaryKeyConstraint("signature_id"),
    )
    op.create_index("ix_petition_withdrawals_petition_id", "petition_withdrawals", ["petition_id"])
    op.create_table(
        "petition_log_entries",
        sa.Column("log", sa.String(length=64), nullable=False),
        sa.Column("index", sa.BigInteger(), nullable=False),
        sa.Column("leaf", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["log"], ["petition_log.name"]),
        sa.PrimaryKeyConstraint("log", "index"),
    )
    op.create_table(
        "petition_log_heads",
        sa.Column("log", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("root", sa.LargeBinary(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["log"], ["petition_log.name"]),
        sa.PrimaryKeyConstraint("log", "size"),
    )

    op.create_table(
        "signature_logs",
        sa.Column("petition_id", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("frontier", sa.LargeBinary(), nullable=False),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"]),
        sa.PrimaryKeyConstraint("petition_id"),
    )
    op.create_table(
        "signature_leaves",
        sa.Column("petition_id", sa.String(length=64), nullable=False),
        sa.Column("index", sa.BigInteger(), nullable=False),
        sa.Column("leaf", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["signature_logs.petition_id"]),
        sa.PrimaryKeyConstraint("petition_id", "index"),
    )
    op.create_table(
        "signature_heads",
        sa.Column("petition_id", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("root", sa.LargeBinary(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["signature_logs.petition_id"]),
        sa.PrimaryKeyConstraint("petition_id", "size"),
    )


def downgrade() -> None:
    op.drop_table("signature_heads")
    op.drop_table("signature_leaves")
    op.drop_table("signature_logs")
    op.drop_table("petition_log_heads")
    op.drop_table("petition_log_entries")
    op.drop_index("ix_petition_withdrawals_petition_id", "petition_withdrawals")
    op.drop_table("petition_withdrawals")
    op.drop_index("ix_petition_signatures_region", "petition_signatures")
    op.drop_index("ix_petition_signatures_day", "petition_signatures")
    op.drop_table("petition_signatures")
    op.drop_table("petition_transitions")
    op.drop_table("petition_log")
    op.drop_index("ix_petitions_state", "petitions")
    op.drop_table("petitions")
    with op.batch_alter_table("body_credentials") as batch:
        batch.drop_column("subject")

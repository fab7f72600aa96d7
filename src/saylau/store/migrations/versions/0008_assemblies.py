"""peaceful assemblies: notices, their steps and the log of steps

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 04:40:00.000000

An organiser's notice of a peaceful assembly, kept as filed; each step (notified or
requested, agreed, approved, refused, went ahead, withdrawn) a row never changed and a leaf
of the assemblies' Merkle log, whose one state row orders the steps.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # an akimat's credential serves one city: its notices only
    op.add_column("body_credentials", sa.Column("unit_code", sa.String(length=64), nullable=True))
    op.create_table(
        "assemblies",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("organiser", sa.String(length=300), nullable=False),
        sa.Column("filed_by", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("procedure", sa.String(length=16), nullable=False),
        sa.Column("city", sa.String(length=8), nullable=False),
        sa.Column("place", sa.String(length=64), nullable=False),
        sa.Column("starts", sa.DateTime(timezone=False), nullable=False),
        sa.Column("ends", sa.DateTime(timezone=False), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("answer_due", sa.Date(), nullable=False),
        sa.Column("over_capacity", sa.Integer(), nullable=False),
        sa.Column("citations", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["filed_by"], ["body_credentials.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assemblies_city_starts", "assemblies", ["city", "starts"])
    op.create_table(
        "assembly_events",
        sa.Column("assembly_id", sa.String(length=16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("late", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("log_index", sa.BigInteger(), nullable=False),
        sa.Column("leaf", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["assembly_id"], ["assemblies.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["body_credentials.id"]),
        sa.PrimaryKeyConstraint("assembly_id", "number"),
        sa.UniqueConstraint("log_index"),
    )
    log = op.create_table(
        "assembly_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("frontier", sa.LargeBinary(), nullable=False),
        sa.Column("checkpoint", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(log, [{"id": 1, "size": 0, "frontier": b"", "checkpoint": None}])


def downgrade() -> None:
    op.drop_table("assembly_events")
    op.drop_index("ix_assemblies_city_starts", table_name="assemblies")
    op.drop_table("assemblies")
    op.drop_table("assembly_log")
    with op.batch_alter_table("body_credentials") as batch:
        batch.drop_column("unit_code")

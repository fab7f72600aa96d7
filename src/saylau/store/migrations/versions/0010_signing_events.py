"""petitions' signing events: the metadata the moderators' bulk-pattern flags read

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 06:00:00.000000

Each signature accepted from a petition's page keeps its client address, moment and its
certificate's issuer and start, never published, so that moderators see many signatures
from one address, sequential IINs and certificates issued in bulk.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "petition_signing_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("petition_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("iin", sa.String(length=12), nullable=False),
        sa.Column("issuer", sa.String(length=512), nullable=False),
        sa.Column("certificate_not_before", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_petition_signing_events_petition_id", "petition_signing_events", ["petition_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_petition_signing_events_petition_id", "petition_signing_events")
    op.drop_table("petition_signing_events")

"""the registry of parties and its history

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 02:30:00.000000

The Ministry of Justice registers parties: their events (registered, refused, renamed,
merged, dissolved) are kept as rows never changed, the members a registration counted, and
the Ministry's credentials. Seeded with the parties of ``data/territory/party-*.csv``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from saylau.register.registry import seed_events, seed_parties

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "body_credentials",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("owner_name", sa.String(length=200), nullable=False),
        sa.Column("owner_position", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    parties = op.create_table(
        "parties",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name_kk", sa.String(length=300), nullable=False),
        sa.Column("name_ru", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    events = op.create_table(
        "party_events",
        sa.Column("party_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column("into", sa.String(length=64), nullable=True),
        sa.Column("former_kk", sa.String(length=300), nullable=True),
        sa.Column("former_ru", sa.String(length=300), nullable=True),
        sa.Column("former_en", sa.String(length=300), nullable=True),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"]),
        sa.ForeignKeyConstraint(["into"], ["parties.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["body_credentials.id"]),
        sa.PrimaryKeyConstraint("party_id", "number"),
    )
    op.create_table(
        "party_members",
        sa.Column("iin", sa.String(length=12), nullable=False),
        sa.Column("party_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"]),
        sa.PrimaryKeyConstraint("iin", "party_id"),
    )
    op.bulk_insert(parties, seed_parties())
    op.bulk_insert(events, seed_events())


def downgrade() -> None:
    op.drop_table("party_members")
    op.drop_table("party_events")
    op.drop_table("parties")
    op.drop_table("body_credentials")

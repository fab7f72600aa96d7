"""credentials belong to named members: owner, expiry, revocation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 19:10:00.000000

Credentials issued before this revision had no owner: each gets a name that says so and
names the credential (so that no two look like the same member), and an expiry a month
from the upgrade, so that a running election is not locked out by it. Pending corrections
whose protocol no longer counts (another correction was approved) are closed as
``superseded``: they could never be approved.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

VALIDITY_OF_EARLIER_CREDENTIALS = dt.timedelta(days=31)


def upgrade() -> None:
    with op.batch_alter_table("credentials") as batch:
        batch.add_column(sa.Column("owner_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("owner_position", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_by", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("revoke_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("replaced_by", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_credentials_replaced_by", "credentials", ["replaced_by"], ["id"]
        )
    credentials = sa.table(
        "credentials",
        sa.column("id", sa.Integer()),
        sa.column("role", sa.String()),
        sa.column("unit_code", sa.String()),
        sa.column("owner_name", sa.String()),
        sa.column("owner_position", sa.String()),
        sa.column("expires_at", sa.DateTime(timezone=True)),
    )
    unit = sa.func.coalesce(credentials.c.unit_code, credentials.c.role)
    op.execute(
        credentials.update()
        .where(credentials.c.owner_name.is_(None))
        .values(
            owner_name=sa.literal("holder of credential ")
            + sa.cast(credentials.c.id, sa.String())
            + sa.literal(" (")
            + unit
            + sa.literal(")"),
            owner_position=sa.literal("not recorded"),
            expires_at=dt.datetime.now(dt.UTC) + VALIDITY_OF_EARLIER_CREDENTIALS,
        )
    )
    with op.batch_alter_table("credentials") as batch:
        batch.alter_column("owner_name", existing_type=sa.String(length=200), nullable=False)
        batch.alter_column("owner_position", existing_type=sa.String(length=200), nullable=False)
        batch.alter_column("expires_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    op.create_index(
        "ux_credentials_active_member",
        "credentials",
        ["election_id", "unit_code", "owner_name"],
        unique=True,
        sqlite_where=sa.text("revoked_at IS NULL"),
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    op.execute(
        sa.text(
            "UPDATE protocols SET state = 'superseded', decided_at = :now "
            "WHERE state = 'pending' AND NOT EXISTS (SELECT 1 FROM current_protocols c "
            "WHERE c.election_id = protocols.election_id AND c.precinct = protocols.precinct "
            "AND c.contest = protocols.contest AND c.protocol_id = protocols.supersedes)"
        ).bindparams(now=dt.datetime.now(dt.UTC))
    )


def downgrade() -> None:
    op.execute(
        "UPDATE protocols SET state = 'pending', decided_by = NULL, decided_at = NULL "
        "WHERE state = 'superseded'"
    )
    op.drop_index("ux_credentials_active_member", table_name="credentials")
    with op.batch_alter_table("credentials") as batch:
        batch.drop_constraint("fk_credentials_replaced_by", type_="foreignkey")
        for column in (
            "replaced_by",
            "revoke_reason",
            "revoked_by",
            "revoked_at",
            "expires_at",
            "owner_position",
            "owner_name",
        ):
            batch.drop_column(column)

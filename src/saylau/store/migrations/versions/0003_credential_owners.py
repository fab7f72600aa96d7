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


def _sqlite() -> bool:
    return bool(op.get_bind().dialect.name == "sqlite")


def _add_columns_in_place() -> None:
    """SQLite alters a table's constraints only by rebuilding it, and dropping the old copy
    fails on the references to it from protocols and decisions (``foreign_keys`` cannot be
    turned off inside the migration's transaction). So the columns are added in place: the
    NOT NULL ones with a default the backfill replaces, and ``replaced_by`` without a
    database-level reference (a column with one could not be dropped again on downgrade)."""
    for column in (
        "owner_name VARCHAR(200) NOT NULL DEFAULT ''",
        "owner_position VARCHAR(200) NOT NULL DEFAULT ''",
        "expires_at DATETIME NOT NULL DEFAULT '1970-01-01 00:00:00.000000'",
        "revoked_at DATETIME",
        "revoked_by VARCHAR(200)",
        "revoke_reason TEXT",
        "replaced_by INTEGER",
    ):
        op.execute(f"ALTER TABLE credentials ADD COLUMN {column}")


def upgrade() -> None:
    if _sqlite():
        _add_columns_in_place()
    else:
        op.add_column("credentials", sa.Column("owner_name", sa.String(200), nullable=True))
        op.add_column("credentials", sa.Column("owner_position", sa.String(200), nullable=True))
        op.add_column(
            "credentials", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True)
        )
        op.add_column(
            "credentials", sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True)
        )
        op.add_column("credentials", sa.Column("revoked_by", sa.String(200), nullable=True))
        op.add_column("credentials", sa.Column("revoke_reason", sa.Text(), nullable=True))
        op.add_column("credentials", sa.Column("replaced_by", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_credentials_replaced_by", "credentials", "credentials", ["replaced_by"], ["id"]
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
        .where(sa.or_(credentials.c.owner_name.is_(None), credentials.c.owner_name == ""))
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
    if not _sqlite():
        for name, type_ in (
            ("owner_name", sa.String(200)),
            ("owner_position", sa.String(200)),
            ("expires_at", sa.DateTime(timezone=True)),
        ):
            op.alter_column("credentials", name, existing_type=type_, nullable=False)
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
    if not _sqlite():
        op.drop_constraint("fk_credentials_replaced_by", "credentials", type_="foreignkey")
    for column in (
        "replaced_by",
        "revoke_reason",
        "revoked_by",
        "revoked_at",
        "expires_at",
        "owner_position",
        "owner_name",
    ):
        op.drop_column("credentials", column)

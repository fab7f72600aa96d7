"""the national voter register's citizens

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 01:40:00.000000

Parties' rolls, signature sheets and precinct lists are checked against one register; this
table holds it in the database beside the elections (loaded with ``saylau register load``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "citizens",
        sa.Column("iin", sa.String(length=12), nullable=False),
        sa.Column("name_kk", sa.String(length=128), nullable=False),
        sa.Column("name_ru", sa.String(length=128), nullable=False),
        sa.Column("name_en", sa.String(length=128), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.Column("district", sa.String(length=32), nullable=False),
        sa.Column("precinct", sa.String(length=48), nullable=False),
        sa.Column("exclusion", sa.String(length=16), nullable=True),
        sa.Column("excluded_since", sa.Date(), nullable=True),
        sa.Column("excluded_until", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("iin"),
    )
    op.create_index("ix_citizens_precinct", "citizens", ["precinct"])


def downgrade() -> None:
    op.drop_index("ix_citizens_precinct", table_name="citizens")
    op.drop_table("citizens")

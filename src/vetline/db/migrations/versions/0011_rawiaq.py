"""The IAQ exactly as received, kept with the query (issue 17 item 3).

Revision ID: 0011_rawiaq
Revises: 0009_partner
Create Date: 2026-12-05

``desk_queries.iaq_raw``: the body of ``POST /v1/iaq`` (JSON text or the Nlets message)
as it arrived, written in the same insert as the query row, so the analyst's query view
shows what the terminal sent beside the canonical form the desk parsed. Nullable: rows
stored before this revision keep only their canonical IAQ.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_rawiaq"
down_revision = "0009_partner"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("desk_queries") as batch:
        batch.add_column(sa.Column("iaq_raw", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("desk_queries") as batch:
        batch.drop_column("iaq_raw")

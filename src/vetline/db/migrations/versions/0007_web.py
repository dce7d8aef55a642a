"""Agencies' asks about their own queries: expedite a pending one, explain an answered one.

Revision ID: 0007_web
Revises: 0006_trust2
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_web"
down_revision = "0006_trust2"
branch_labels = None
depends_on = None

TS = 27


def upgrade() -> None:
    op.create_table(
        "desk_asks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "query_id", sa.String(36), sa.ForeignKey("desk_queries.id"), nullable=False, index=True
        ),
        sa.Column("iar_id", sa.String(36), nullable=False, index=True),
        sa.Column("ori", sa.String(9), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("asked_by", sa.String(36)),
        sa.Column("asked_at", sa.String(TS), nullable=False),
        sa.Column("answer", sa.Text),
        sa.Column("answered_by", sa.String(64)),
        sa.Column("answered_at", sa.String(TS)),
    )


def downgrade() -> None:
    op.drop_table("desk_asks")

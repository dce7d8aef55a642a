"""Batch jobs (issue 16): one row per job, durable before the job is acknowledged.

Revision ID: 0003_batch
Revises: 0002_desk
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_batch"
down_revision = "0002_desk"
branch_labels = None
depends_on = None

TS = 27


def upgrade() -> None:
    op.create_table(
        "batch_jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("authority", sa.Text, nullable=False),
        sa.Column("source_name", sa.String(128)),
        sa.Column("source_version", sa.String(128)),
        sa.Column("requester", sa.String(128), nullable=False),
        sa.Column("requester_id", sa.String(36)),
        sa.Column("list_name", sa.String(256), nullable=False),
        sa.Column("input_sha256", sa.String(64), nullable=False),
        sa.Column("request_json", sa.Text, nullable=False),
        sa.Column("folder", sa.Text, nullable=False),
        sa.Column("rows_total", sa.Integer),
        sa.Column("rows_done", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(TS), nullable=False, index=True),
        sa.Column("started_at", sa.String(TS)),
        sa.Column("finished_at", sa.String(TS)),
        sa.Column("heartbeat_at", sa.String(TS)),
        sa.Column("runner", sa.String(64)),
        sa.Column("error", sa.Text),
        sa.Column("manifest_json", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("batch_jobs")

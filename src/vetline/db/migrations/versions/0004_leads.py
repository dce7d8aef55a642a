"""Leads: imported batch jobs, the blind audit sample, leads and their timeline, the
citizenship-review list and source-correction items.

Revision ID: 0004_leads
Revises: 0003_batch
Create Date: 2026-12-05

The unique constraint on ``leads.open_person_id`` is the one-open-lead-per-person rule:
the column is NULL once a lead is closed, so closed leads never collide.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_leads"
down_revision = "0003_batch"
branch_labels = None
depends_on = None

TS = 27


def _ts(name: str, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.String(TS), nullable=nullable)


def _fk(name: str, table: str, target: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(
        name,
        sa.String(36),
        sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{name}_{target}"),
        nullable=nullable,
        index=True,
    )


def upgrade() -> None:
    op.create_table(
        "lead_jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("job_id", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("authority", sa.String(200), nullable=False),
        sa.Column("source_name", sa.String(100), nullable=False, index=True),
        sa.Column("source_version", sa.String(100), nullable=False),
        sa.Column("retention_until", sa.String(10), nullable=False),
        sa.Column("requester", sa.String(100), nullable=False),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("result_sha256", sa.String(64), nullable=False),
        sa.Column("input_rows", sa.Integer, nullable=False),
        sa.Column("manifest_json", sa.Text, nullable=False),
        sa.Column("summary_json", sa.Text, nullable=False),
        _ts("imported_at", nullable=False),
        sa.Column("imported_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("job_id", name="uq_lead_jobs_job_id"),
    )
    op.create_table(
        "lead_sample_items",
        sa.Column("id", sa.String(36), primary_key=True),
        _fk("job_id", "lead_sample_items", "lead_jobs"),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("band", sa.String(16), nullable=False),
        sa.Column("probability", sa.Float),
        sa.Column("list_ref", sa.String(200)),
        sa.Column("person_id", sa.String(64)),
        sa.Column("list_row_json", sa.Text),
        sa.Column("verdict", sa.String(16)),
        sa.Column("note", sa.Text),
        sa.Column("reviewed_by", sa.String(100)),
        _ts("reviewed_at"),
        sa.UniqueConstraint("job_id", "row_number", name="uq_lead_sample_items_job_id"),
    )
    op.create_table(
        "leads",
        sa.Column("id", sa.String(36), primary_key=True),
        _fk("job_id", "leads", "lead_jobs"),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("list_ref", sa.String(200)),
        sa.Column("person_id", sa.String(64), nullable=False, index=True),
        sa.Column("open_person_id", sa.String(64)),
        sa.Column("state", sa.String(24), nullable=False, index=True),
        sa.Column("band", sa.String(16), nullable=False),
        sa.Column("probability", sa.Float),
        sa.Column("identity_basis", sa.String(16), nullable=False),
        sa.Column("status_code", sa.String(32)),
        sa.Column("removability", sa.Text),
        sa.Column("flags", sa.Text, nullable=False),
        sa.Column("priority", sa.Integer, index=True),
        sa.Column("priority_reasons", sa.Text, nullable=False),
        sa.Column("reasons", sa.Text, nullable=False),
        sa.Column("aor", sa.String(8), index=True),
        sa.Column("field_office", sa.String(64)),
        sa.Column("routing_basis", sa.Text),
        _ts("created_at", nullable=False),
        sa.Column("expires_on", sa.String(10)),
        sa.Column("confirmed_by", sa.String(100)),
        _ts("confirmed_at"),
        sa.Column("snapshot_json", sa.Text),
        sa.Column("assigned_by", sa.String(100)),
        _ts("assigned_at"),
        sa.Column("package_json", sa.Text),
        sa.Column("package_sha256", sa.String(64)),
        sa.Column("outcome_by", sa.String(100)),
        _ts("outcome_at"),
        sa.Column("outcome_note", sa.Text),
        sa.UniqueConstraint("open_person_id", name="uq_leads_open_person_id"),
    )
    op.create_table(
        "lead_events",
        sa.Column("id", sa.String(36), primary_key=True),
        _fk("lead_id", "lead_events", "leads"),
        sa.Column("seq", sa.Integer, nullable=False),
        _ts("at", nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("from_state", sa.String(24)),
        sa.Column("to_state", sa.String(24), nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "lead_citizenship_diversions",
        sa.Column("id", sa.String(36), primary_key=True),
        _fk("job_id", "lead_citizenship_diversions", "lead_jobs"),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("list_ref", sa.String(200)),
        sa.Column("person_id", sa.String(64)),
        sa.Column("lead_id", sa.String(36)),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        _ts("created_at", nullable=False),
        sa.Column("reviewed", sa.Boolean, nullable=False),
    )
    op.create_table(
        "lead_source_corrections",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("lead_id", sa.String(36), index=True),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        _ts("created_at", nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "lead_source_corrections",
        "lead_citizenship_diversions",
        "lead_events",
        "leads",
        "lead_sample_items",
        "lead_jobs",
    ):
        op.drop_table(table)

"""Vetting centre gaps (issue 15): durable notices for the sweep's escalations and lapses,
when a claim was escalated, and the clock indexes: (case, state, time) for a page row's
overdue flag, (state, time, case) for the overdue filter and the sweep (bench/README.md).

Revision ID: 0008_vetops
Revises: 0007_web
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_vetops"
down_revision = "0007_web"
branch_labels = None
depends_on = None

TS = 27


def upgrade() -> None:
    op.create_table(
        "vetting_notices",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("audience", sa.String(32), nullable=False),
        sa.Column(
            "case_id", sa.String(36), sa.ForeignKey("vetting_cases.id"), nullable=False, index=True
        ),
        sa.Column("subject_type", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("dedupe_key", sa.String(120), nullable=False),
        sa.Column("text", sa.String(1000), nullable=False),
        sa.Column("citation", sa.String(300)),
        sa.Column("created_at", sa.String(TS), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("acknowledged_by", sa.String(64)),
        sa.Column("acknowledged_at", sa.String(TS)),
        sa.UniqueConstraint("dedupe_key", name="uq_vetting_notices_dedupe_key"),
    )
    op.create_index(
        "ix_vetting_notices_audience_open",
        "vetting_notices",
        ["audience", "acknowledged_at", "created_at"],
    )
    with op.batch_alter_table("vetting_claims") as batch:
        batch.add_column(sa.Column("escalated_at", sa.String(TS)))
    op.create_index(
        "ix_vetting_requests_case_clock",
        "vetting_requests",
        ["case_id", "state", "deadline_at"],
    )
    op.create_index(
        "ix_vetting_claims_case_clock", "vetting_claims", ["case_id", "state", "due_at"]
    )
    op.create_index(
        "ix_vetting_requests_clock", "vetting_requests", ["state", "deadline_at", "case_id"]
    )
    op.create_index("ix_vetting_claims_clock", "vetting_claims", ["state", "due_at", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_vetting_claims_clock", "vetting_claims")
    op.drop_index("ix_vetting_requests_clock", "vetting_requests")
    op.drop_index("ix_vetting_claims_case_clock", "vetting_claims")
    op.drop_index("ix_vetting_requests_case_clock", "vetting_requests")
    with op.batch_alter_table("vetting_claims") as batch:
        batch.drop_column("escalated_at")
    op.drop_index("ix_vetting_notices_audience_open", "vetting_notices")
    op.drop_table("vetting_notices")

"""Query desk: accepted queries (unique per ORI and client iaq_id) and the IARs sent.

Revision ID: 0002_desk
Revises: 0001_trust
Create Date: 2026-11-24

The unique constraint on (ori, iaq_id) is what makes resubmission idempotent under
concurrency: the second insert fails in the database, not in a check-then-insert race.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_desk"
down_revision = "0001_trust"
branch_labels = None
depends_on = None

TS = 27


def _ts(name: str, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.String(TS), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "desk_queries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("iaq_id", sa.String(64), nullable=False),
        sa.Column("ori", sa.String(9), nullable=False, index=True),
        sa.Column("query_type", sa.String(32), nullable=False),
        sa.Column("form", sa.String(8), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("iaq_json", sa.Text, nullable=False),
        sa.Column("iaq_hash", sa.String(64), nullable=False),
        sa.Column("intake_json", sa.Text, nullable=False),
        sa.Column("aor", sa.String(8), index=True),
        sa.Column("field_office", sa.String(64)),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("received_at", sa.String(TS), nullable=False, index=True),
        _ts("due_at", nullable=False),
        _ts("responded_at"),
        _ts("answered_at"),
        sa.Column("response_ms", sa.Integer),
        sa.Column("automatic", sa.Boolean),
        sa.Column("match_level", sa.String(16)),
        sa.Column("person_id", sa.String(64)),
        sa.Column("queue_reasons", sa.Text),
        sa.Column("draft_json", sa.Text),
        sa.Column("iar_id", sa.String(36)),
        sa.Column("iar_json", sa.Text),
        sa.Column("answered_by", sa.String(36)),
        sa.UniqueConstraint("ori", "iaq_id", name="uq_desk_queries_ori_iaq_id"),
    )
    op.create_table(
        "desk_responses",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "query_id",
            sa.String(36),
            sa.ForeignKey("desk_queries.id", name="fk_desk_responses_query_id_desk_queries"),
            nullable=False,
            index=True,
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        _ts("sent_at", nullable=False),
        sa.Column("sent_by", sa.String(36)),
        sa.Column("iar_json", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("desk_responses")
    op.drop_table("desk_queries")

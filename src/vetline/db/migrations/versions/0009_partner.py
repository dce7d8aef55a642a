"""287(g) partner officers and jail-roster jobs (issue 16 item 9); one store of blind
audit-sample verdicts for batch and leads.

Revision ID: 0009_partner
Revises: 0008_vetops
Create Date: 2026-12-05

Adds the ``partner_officer`` role and, on ``batch_jobs``, what a roster job is scoped by:
the submitting agency's ORI (a partner officer reads only jobs of its own ORI) and the
facility whose roster it is. Jobs of other kinds keep ``ori`` NULL, so no agency sees them.

``sample_reviews`` (``vetline.sampling.reviews``) holds every blind verdict, keyed by the
result's SHA-256 and row number; the verdicts the leads kept on ``lead_sample_items`` are
copied there and those columns dropped (one place where reviews are stored and read).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_partner"
down_revision = "0008_vetops"
branch_labels = None
depends_on = None

TS = 27

#: The role this migration adds to the ``roles`` table (``vetline.auth.roles.Role``).
PARTNER = {
    "name": "partner_officer",
    "description": "287(g) partner agency officer: its facilities' jail rosters and results",
}


def upgrade() -> None:
    roles = sa.table("roles", sa.column("name", sa.String), sa.column("description", sa.String))
    op.bulk_insert(roles, [PARTNER])
    with op.batch_alter_table("batch_jobs") as batch:
        batch.add_column(sa.Column("list_kind", sa.String(16), nullable=False,
                                   server_default="file"))  # fmt: skip
        batch.add_column(sa.Column("ori", sa.String(9)))
        batch.add_column(sa.Column("facility_ori", sa.String(16)))
        batch.create_index("ix_batch_jobs_ori", ["ori"])
    op.create_table(
        "sample_reviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("result_sha256", sa.String(64), nullable=False, index=True),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("reviewed_by", sa.String(100), nullable=False),
        sa.Column("reviewed_at", sa.String(TS), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.UniqueConstraint("result_sha256", "row_number", name="uq_sample_reviews_result_row"),
    )
    op.execute(
        "INSERT INTO sample_reviews (id, result_sha256, row_number, verdict, note, "
        "reviewed_by, reviewed_at, via) "
        "SELECT i.id, j.result_sha256, i.row_number, i.verdict, i.note, "
        "coalesce(i.reviewed_by, '?'), coalesce(i.reviewed_at, j.imported_at), 'leads' "
        "FROM lead_sample_items i JOIN lead_jobs j ON j.id = i.job_id "
        "WHERE i.verdict IS NOT NULL"
    )
    with op.batch_alter_table("lead_sample_items") as batch:
        for column in ("verdict", "note", "reviewed_by", "reviewed_at"):
            batch.drop_column(column)


def downgrade() -> None:
    with op.batch_alter_table("lead_sample_items") as batch:
        batch.add_column(sa.Column("verdict", sa.String(16)))
        batch.add_column(sa.Column("note", sa.Text))
        batch.add_column(sa.Column("reviewed_by", sa.String(100)))
        batch.add_column(sa.Column("reviewed_at", sa.String(TS)))
    op.drop_table("sample_reviews")  # verdicts of imported jobs are not copied back
    with op.batch_alter_table("batch_jobs") as batch:
        batch.drop_index("ix_batch_jobs_ori")
        batch.drop_column("facility_ori")
        batch.drop_column("ori")
        batch.drop_column("list_kind")
    op.execute("DELETE FROM roles WHERE name = 'partner_officer'")

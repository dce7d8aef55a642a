"""287(g) partner officers and jail-roster jobs (issue 16 item 9).

Revision ID: 0009_partner
Revises: 0007_web
Create Date: 2026-12-05

Adds the ``partner_officer`` role and, on ``batch_jobs``, what a roster job is scoped by:
the submitting agency's ORI (a partner officer reads only jobs of its own ORI) and the
facility whose roster it is. Jobs of other kinds keep ``ori`` NULL, so no agency sees them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_partner"
down_revision = "0007_web"
branch_labels = None
depends_on = None

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


def downgrade() -> None:
    with op.batch_alter_table("batch_jobs") as batch:
        batch.drop_index("ix_batch_jobs_ori")
        batch.drop_column("facility_ori")
        batch.drop_column("ori")
        batch.drop_column("list_kind")
    op.execute("DELETE FROM roles WHERE name = 'partner_officer'")
